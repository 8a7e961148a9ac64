package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRunReportsPackagesAndFailures(t *testing.T) {
	input := strings.Join([]string{
		`{"Action":"start","Package":"a"}`,
		`{"Action":"run","Package":"a","Test":"TestOK"}`,
		`{"Action":"output","Package":"a","Test":"TestOK","Output":"noise of a passing test\n"}`,
		`{"Action":"pass","Package":"a","Test":"TestOK","Elapsed":0.1}`,
		`{"Action":"pass","Package":"a","Elapsed":0.5}`,
		`{"Action":"start","Package":"b"}`,
		`{"Action":"run","Package":"b","Test":"TestBad"}`,
		`{"Action":"run","Package":"b","Test":"TestBad/sub"}`,
		`{"Action":"output","Package":"b","Test":"TestBad","Output":"--- FAIL: TestBad (0.00s)\n"}`,
		`{"Action":"output","Package":"b","Test":"TestBad","Output":"    x_test.go:9: want 1, got 2\n"}`,
		`{"Action":"fail","Package":"b","Test":"TestBad","Elapsed":0}`,
		`{"Action":"fail","Package":"b","Elapsed":0.2}`,
		`{"Action":"start","Package":"c"}`,
	}, "\n")
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	code := run(strings.NewReader(input), &out, func() time.Time { clock = clock.Add(time.Second); return clock })
	if code != 1 {
		t.Errorf("exit code %d, want 1", code)
	}
	got := out.String()
	for _, want := range []string{
		"....  a\n", "ok    a (0.5s, 1 tests)\n",
		"--- FAIL: TestBad (0.00s)\n    x_test.go:9: want 1, got 2\n", "FAIL  b (0.2s, 1 tests)\n",
		"FAIL  c (no result", "FAIL: 2 package(s) failed",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "noise of a passing test") {
		t.Errorf("a passing test's output was printed:\n%s", got)
	}
}

func TestRunPassesWhenAllPass(t *testing.T) {
	input := `{"Action":"start","Package":"a"}` + "\n" + `{"Action":"pass","Package":"a","Elapsed":1}` + "\n" +
		`{"Action":"start","Package":"d"}` + "\n" + `{"Action":"skip","Package":"d"}` + "\n"
	var out bytes.Buffer
	if code := run(strings.NewReader(input), &out, time.Now); code != 0 {
		t.Fatalf("exit code %d, want 0:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "PASS: 2 packages") {
		t.Errorf("no summary:\n%s", out.String())
	}
}
