package childproc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the child: with CHILDPROC_HELPER set it acts
// out one behaviour and exits instead of running tests.
func TestMain(m *testing.M) {
	if mode := os.Getenv("CHILDPROC_HELPER"); mode != "" {
		os.Exit(helper(mode, os.Args[1:]))
	}
	// Under nohup (as some CI shells run) the test binary starts with SIGHUP
	// ignored, and children inherit an ignored signal across exec, so the
	// "dies of SIGHUP" child could never die. A caught signal is reset to
	// its default in a child, so catching the ignored ones here gives the
	// children the dispositions a terminal session would.
	for _, sig := range ForwardedSignals {
		if signal.Ignored(sig) {
			signal.Notify(make(chan os.Signal, 1), sig)
		}
	}
	os.Exit(m.Run())
}

func helper(mode string, args []string) int {
	switch mode {
	case "exit":
		code, _ := strconv.Atoi(args[0])
		return code
	case "echo":
		// Proves the streams are the ones given: stdin to stdout, a note to stderr.
		data, _ := os.ReadFile("/dev/stdin")
		os.Stdout.Write(bytes.ToUpper(data))
		fmt.Fprint(os.Stderr, "to stderr")
		return 0
	case "env":
		fmt.Print(strings.Join(os.Environ(), "\n"))
		return 0
	case "die":
		// Dies of SIGKILL: nothing can trap it, so the parent sees a signal death.
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	case "wait-signal":
		// Subscribes, then says it is ready, then reports the first signal.
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, ForwardedSignals...)
		fmt.Fprintln(os.Stdout, "ready")
		sig := <-sigs
		fmt.Fprintf(os.Stderr, "got %v\n", sig)
		if len(args) > 0 && args[0] == "die" {
			signal.Reset()
			_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
			select {}
		}
		return 7
	}
	return 99
}

// noTerminal keeps the tests independent of whether `go test` runs in one.
func noTerminal() bool { return false }

func helperProgram(t *testing.T, mode string, args ...string) (*Program, []string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return &Program{Path: self, Args: append([]string{"helper"}, args...)},
		// A -race child would otherwise sleep a second at exit.
		Environment(os.Environ(), map[string]string{"CHILDPROC_HELPER": mode, "GORACE": "atexit_sleep_ms=0"})
}

func TestFind(t *testing.T) {
	dir := t.TempDir()
	notExec := filepath.Join(dir, "plain")
	if err := os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(dir, "tool")
	if err := os.WriteFile(script, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	tests := []struct {
		name     string
		argv     []string
		wantPath string
		wantCode int
	}{
		{"found on PATH", []string{"tool", "a"}, script, 0},
		{"absolute path", []string{script}, script, 0},
		{"not on PATH", []string{"no-such-tool"}, "", ExitNotFound},
		{"missing path", []string{filepath.Join(dir, "missing")}, "", ExitNotFound},
		{"not executable on PATH is not found", []string{"plain"}, "", ExitNotFound},
		{"not executable by path", []string{notExec}, "", ExitNotExecutable},
		{"directory", []string{dir + "/"}, "", ExitNotExecutable},
		{"empty name", []string{""}, "", ExitNotFound},
		{"no command", nil, "", ExitNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Find(tt.argv)
			if tt.wantCode == 0 {
				if err != nil {
					t.Fatalf("Find(%q): %v", tt.argv, err)
				}
				if p.Path != tt.wantPath || !slices.Equal(p.Args, tt.argv) {
					t.Fatalf("Find(%q) = %+v, want path %s", tt.argv, p, tt.wantPath)
				}
				return
			}
			var fe *FindError
			if !errors.As(err, &fe) || fe.Code != tt.wantCode {
				t.Fatalf("Find(%q) error = %v, want a FindError with code %d", tt.argv, err, tt.wantCode)
			}
		})
	}
}

func TestEnvironment(t *testing.T) {
	base := []string{"PATH=/bin", "CODER_SESSION_TOKEN_FILE=/run/parent", "CODER_SESSION_TOKEN=parent", "HOME=/h", "HOME=/later", "CODER_URL=old"}
	got := Environment(base, map[string]string{"CODER_URL": "https://c.example", "CODER_SESSION_TOKEN": "child"}, "CODER_SESSION_TOKEN_FILE")
	want := []string{"PATH=/bin", "HOME=/later", "CODER_SESSION_TOKEN=child", "CODER_URL=https://c.example"}
	if !slices.Equal(got, want) {
		t.Fatalf("Environment = %q, want %q", got, want)
	}
}

func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		mode string
		args []string
		want Status
	}{
		{"exit", []string{"0"}, Status{Code: 0}},
		{"exit", []string{"3"}, Status{Code: 3}},
		{"exit", []string{"255"}, Status{Code: 255}},
		{"die", nil, Status{Code: 128 + 9, Signal: syscall.SIGKILL}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.mode, tt.args), func(t *testing.T) {
			t.Parallel()
			p, env := helperProgram(t, tt.mode, tt.args...)
			got, err := p.Run(Spec{Env: env, TerminalInterrupts: noTerminal})
			if err != nil || got != tt.want {
				t.Fatalf("Run = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func TestRunStreamsAndEnvironment(t *testing.T) {
	p, env := helperProgram(t, "echo")
	var out, errOut bytes.Buffer
	if _, err := p.Run(Spec{Env: env, Stdin: strings.NewReader("hello"), Stdout: &out, Stderr: &errOut}); err != nil {
		t.Fatal(err)
	}
	if out.String() != "HELLO" || errOut.String() != "to stderr" {
		t.Fatalf("stdout %q, stderr %q", out.String(), errOut.String())
	}

	p, env = helperProgram(t, "env")
	env = Environment(env, map[string]string{"MARK": "set"}, "HOME")
	out.Reset()
	if _, err := p.Run(Spec{Env: env, Stdout: &out}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(out.String(), "\n")
	if !slices.Contains(lines, "MARK=set") || slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, "HOME=") }) {
		t.Fatalf("the child's environment is %q, want MARK=set and no HOME", lines)
	}
}

// readyWriter tells the test when the child has subscribed to signals, so
// the test sends one only then, without sleeping.
type readyWriter struct {
	ready chan struct{}
	buf   bytes.Buffer
}

func (w *readyWriter) Write(p []byte) (int, error) {
	if w.buf.Len() == 0 && bytes.Contains(p, []byte("ready")) {
		close(w.ready)
	}
	return w.buf.Write(p)
}

func TestRunForwardsSignals(t *testing.T) {
	tests := []struct {
		sig  syscall.Signal
		args []string
		want Status
	}{
		{syscall.SIGTERM, nil, Status{Code: 7}}, // the child trapped it and chose its own status
		{syscall.SIGINT, []string{"die"}, Status{Code: 128 + 2, Signal: syscall.SIGINT}},
		{syscall.SIGHUP, []string{"die"}, Status{Code: 128 + 1, Signal: syscall.SIGHUP}},
	}
	for _, tt := range tests {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			p, env := helperProgram(t, "wait-signal", tt.args...)
			sigs := make(chan os.Signal, 1)
			out := &readyWriter{ready: make(chan struct{})}
			var errOut bytes.Buffer
			type result struct {
				st  Status
				err error
			}
			done := make(chan result, 1)
			go func() {
				st, err := p.Run(Spec{Env: env, Stdout: out, Stderr: &errOut, Signals: sigs, TerminalInterrupts: noTerminal})
				done <- result{st, err}
			}()
			select {
			case <-out.ready:
			case <-time.After(10 * time.Second):
				t.Fatal("the child never became ready")
			}
			sigs <- tt.sig
			var r result
			select {
			case r = <-done:
			case <-time.After(10 * time.Second):
				t.Fatalf("the child did not end after %v was forwarded", tt.sig)
			}
			if r.err != nil || r.st != tt.want {
				t.Fatalf("Run = %+v, %v; want %+v", r.st, r.err, tt.want)
			}
			if want := fmt.Sprintf("got %v\n", tt.sig); errOut.String() != want {
				t.Fatalf("child stderr %q, want %q", errOut.String(), want)
			}
		})
	}
}

// A Ctrl-C on a terminal reaches coder and the child alike; coder must not
// add a second SIGINT, or the child sees two (terraform aborts at once on
// the second). Other signals are still passed on.
func TestRunSkipsInterruptTheTerminalDelivered(t *testing.T) {
	p, env := helperProgram(t, "wait-signal")
	sigs := make(chan os.Signal, 2)
	out := &readyWriter{ready: make(chan struct{})}
	var errOut bytes.Buffer
	done := make(chan Status, 1)
	go func() {
		st, _ := p.Run(Spec{Env: env, Stdout: out, Stderr: &errOut, Signals: sigs, TerminalInterrupts: func() bool { return true }})
		done <- st
	}()
	select {
	case <-out.ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the child never became ready")
	}
	sigs <- syscall.SIGINT
	sigs <- syscall.SIGTERM
	select {
	case st := <-done:
		if st.Code != 7 || errOut.String() != "got terminated\n" {
			t.Fatalf("child ended with %+v, stderr %q; want it to see SIGTERM first, not the SIGINT", st, errOut.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not end")
	}
}

func TestRunStartFailure(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	// Executable bit, but no interpreter line and not a binary: exec fails.
	if err := os.WriteFile(bad, []byte{0x7f, 'E', 'L', 'F', 0}, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &Program{Path: bad, Args: []string{bad}}
	st, err := p.Run(Spec{})
	var fe *FindError
	if !errors.As(err, &fe) || st.Code != ExitNotExecutable {
		t.Fatalf("Run = %+v, %v; want status 126 and a FindError", st, err)
	}
}
