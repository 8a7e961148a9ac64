// Command testprogress turns 'go test -json' into progress a person can
// follow: a line when a package's tests start and when they finish, and the
// whole output of every failing test. It exits 1 unless every package that
// started also passed, so 'make test' fails exactly when go test does.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
)

// event is one line of 'go test -json' (cmd/test2json).
type event struct {
	Action      string
	Package     string
	Test        string
	Elapsed     float64
	Output      string
	ImportPath  string // build events
	FailedBuild string
}

type pkgState struct {
	started time.Time
	tests   int
	output  map[string][]string // test → its output, dropped when it passes
	done    bool
}

func main() {
	os.Exit(run(os.Stdin, os.Stdout, time.Now))
}

func run(in io.Reader, out io.Writer, now func() time.Time) int {
	start := now()
	pkgs := map[string]*pkgState{}
	get := func(name string) *pkgState {
		p := pkgs[name]
		if p == nil {
			p = &pkgState{started: now(), output: map[string][]string{}}
			pkgs[name] = p
		}
		return p
	}
	failed := []string{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			fmt.Fprintln(out, string(line)) // not JSON: go test's own words (e.g. a build error)
			continue
		}
		switch e.Action {
		case "build-output":
			fmt.Fprint(out, e.Output)
			continue
		case "build-fail":
			fmt.Fprintf(out, "FAIL  %s [build failed]\n", e.ImportPath)
			failed = append(failed, e.ImportPath)
			continue
		}
		if e.Package == "" {
			continue
		}
		p := get(e.Package)
		switch {
		case e.Action == "start":
			fmt.Fprintf(out, "....  %s\n", e.Package)
		case e.Action == "output":
			p.output[e.Test] = append(p.output[e.Test], e.Output)
		case e.Test != "" && e.Action == "run":
			if !strings.Contains(e.Test, "/") {
				p.tests++
			}
		case e.Test != "" && (e.Action == "pass" || e.Action == "skip"):
			delete(p.output, e.Test)
		case e.Test != "" && e.Action == "fail":
			for _, l := range p.output[e.Test] {
				fmt.Fprint(out, l)
			}
			delete(p.output, e.Test)
		case e.Test == "" && (e.Action == "pass" || e.Action == "skip" || e.Action == "fail"):
			p.done = true
			verdict := "ok  "
			if e.Action == "fail" {
				verdict = "FAIL"
				failed = append(failed, e.Package)
				for _, l := range p.output[""] { // package-level output: panics, TestMain
					fmt.Fprint(out, l)
				}
			}
			if e.Action == "skip" {
				verdict = "--  " // no test files
			}
			fmt.Fprintf(out, "%s  %s (%.1fs, %d tests)\n", verdict, e.Package, e.Elapsed, p.tests)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(out, "testprogress: reading go test's output: %v\n", err)
		return 1
	}
	var unfinished []string
	for name, p := range pkgs {
		if !p.done {
			unfinished = append(unfinished, name)
		}
	}
	sort.Strings(unfinished)
	for _, name := range unfinished {
		fmt.Fprintf(out, "FAIL  %s (no result: the test binary died or was killed)\n", name)
	}
	elapsed := now().Sub(start).Round(time.Second)
	if len(failed)+len(unfinished) > 0 {
		fmt.Fprintf(out, "FAIL: %d package(s) failed (%s)\n", len(failed)+len(unfinished), elapsed)
		return 1
	}
	fmt.Fprintf(out, "PASS: %d packages (%s)\n", len(pkgs), elapsed)
	return 0
}
