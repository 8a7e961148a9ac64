package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func FuzzAllowListTargetRoundTrip(f *testing.F) {
	for _, seed := range []string{"*:*", "workspace:*", " template:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c ", "a:b:c", ":", "x", ""} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		target, err := ParseAllowListTarget(s)
		if err != nil {
			return
		}
		again, err := ParseAllowListTarget(target.String())
		if err != nil || again != target {
			t.Fatalf("String() %q does not parse back to %+v: %+v, %v", target.String(), target, again, err)
		}
		if !utf8.ValidString(s) {
			return // JSON replaces invalid UTF-8, so the wire cannot carry it unchanged
		}
		data, err := json.Marshal(target)
		if err != nil {
			t.Fatal(err)
		}
		var decoded AllowListTarget
		if err := json.Unmarshal(data, &decoded); err != nil || decoded != target {
			t.Fatalf("JSON %s decodes to %+v, %v; want %+v", data, decoded, err, target)
		}
	})
}

func FuzzRedactJSON(f *testing.F) {
	for _, seed := range []string{
		`{"key":"WuoWs4ZsMX-0123456789abcdefABCDEF"}`,
		`[{"a":{"Password":["x",{"key":1}]}},{"session_token":null}]`,
		`{"k\u0065y":"x","n":1e3,"s":"\u003c"}`,
		`"just a string"`, `{"key":`, `<html>`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out, ok := redactJSON(data)
		if !ok {
			return
		}
		var decoded any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber() // valid JSON numbers such as 1E1000 overflow float64
		if err := dec.Decode(&decoded); err != nil || dec.More() {
			t.Fatalf("redacted output is not JSON: %v\n%s", err, out)
		}
		assertRedacted(t, decoded)
	})
}

// assertRedacted fails if any value under a sensitive key survived.
func assertRedacted(t *testing.T, v any) {
	t.Helper()
	switch v := v.(type) {
	case map[string]any:
		for key, value := range v {
			if isSensitiveJSONKey(key) && value != redactionMarker {
				t.Fatalf("value under %q survived redaction", key)
			}
			assertRedacted(t, value)
		}
	case []any:
		for _, value := range v {
			assertRedacted(t, value)
		}
	}
}

// writeRecorder keeps every Write separately, to check that a block is one Write.
type writeRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes = append(w.writes, string(p))
	return len(p), nil
}

func TestConcurrentCallsKeepDebugBlocksWhole(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{"version":"v2.38.0"}`) })
	var log writeRecorder
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Debug = &log })
	const callers = 8
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			if _, err := c.BuildInfo(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var requests, responses int
	for _, block := range log.writes {
		switch {
		case strings.HasPrefix(block, "--> GET ") && strings.Contains(block, "User-Agent: "):
			requests++
		case strings.HasPrefix(block, "<-- 200 OK GET ") && strings.HasSuffix(block, "\n\n{\"version\":\"v2.38.0\"}\n\n"):
			responses++
		default:
			t.Errorf("unexpected block:\n%s", block)
		}
	}
	if requests != callers || responses != callers {
		t.Errorf("found %d request and %d response blocks, want %d each", requests, responses, callers)
	}
}
