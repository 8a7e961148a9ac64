package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// testchild wait-signal READYFILE [exit N | die] is a command for
// `coder tokens exec` to run. It subscribes to the signals coder forwards,
// then writes its parent's PID (coder's) to READYFILE, so a script knows
// when, and where, to send one. On the first signal it says which one on
// stdout, then exits N (default 0) or dies of that same signal.
func testchild() int {
	args := os.Args[1:]
	if len(args) < 2 || args[0] != "wait-signal" {
		fmt.Fprintln(os.Stderr, "usage: testchild wait-signal READYFILE [exit N | die]")
		return 2
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	ready := args[1]
	tmp := ready + ".tmp"
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(os.Getppid())), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if err := os.Rename(tmp, ready); err != nil { // whole or absent: the script never reads half a PID
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	sig := <-sigs
	fmt.Printf("child got %s\n", signalName(sig.(syscall.Signal)))
	switch {
	case len(args) >= 3 && args[2] == "die":
		signal.Reset()
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		select {} // the signal ends the process
	case len(args) >= 4 && args[2] == "exit":
		code, _ := strconv.Atoi(args[3])
		return code
	}
	return 0
}

var scriptSignals = map[string]syscall.Signal{"INT": syscall.SIGINT, "TERM": syscall.SIGTERM, "HUP": syscall.SIGHUP}

func signalName(sig syscall.Signal) string {
	for name, s := range scriptSignals {
		if s == sig {
			return "SIG" + name
		}
	}
	return sig.String()
}

// waitfile FILE waits until FILE exists: a child's readiness signal. It
// polls briefly rather than sleeping a guessed time, and gives up after 20s.
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitfile FILE")
	}
	path := ts.MkAbs(args[0])
	deadline := time.Now().Add(20 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitfile: %s did not appear within 20s", args[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// signal INT|TERM|HUP PIDFILE sends a signal to the process whose PID is in PIDFILE.
func cmdSignal(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: signal INT|TERM|HUP PIDFILE")
	}
	sig, ok := scriptSignals[args[0]]
	if !ok {
		ts.Fatalf("signal: unknown signal %q", args[0])
	}
	pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(args[1])))
	ts.Check(err)
	ts.Check(syscall.Kill(pid, sig))
}

// readvar VAR FILE sets $VAR to FILE's contents without the trailing
// newline. The value is never printed: it may be a key.
func cmdReadVar(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: readvar VAR FILE")
	}
	data, err := os.ReadFile(ts.MkAbs(args[1]))
	ts.Check(err)
	ts.Setenv(args[0], strings.TrimRight(string(data), "\r\n"))
}

// maskedkey VAR stdout|stderr|FILE asserts that the output registers the
// value of $VAR with the GitHub Actions log masker on a line of its own
// (::add-mask::VALUE), without printing the value on failure.
func cmdMaskedKey(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: maskedkey VAR stdout|stderr|FILE")
	}
	secret := ts.Getenv(args[0])
	if len(secret) < 8 {
		ts.Fatalf("maskedkey: $%s is empty or too short to be a key", args[0])
	}
	for _, line := range strings.Split(ts.ReadFile(args[1]), "\n") {
		if line == "::add-mask::"+secret {
			return
		}
	}
	ts.Fatalf("%s has no ::add-mask:: line for the value of $%s (%d chars)", args[1], args[0], len(secret))
}

// waitrequest ROUTE waits until the server has received a request for
// ROUTE: a readiness signal for "coder is now talking to the server".
func cmdWaitRequest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitrequest ROUTE")
	}
	srv := server(ts)
	deadline := time.Now().Add(20 * time.Second)
	for {
		for _, r := range srv.Requests() {
			if r.Route == args[0] {
				return
			}
		}
		if time.Now().After(deadline) {
			ts.Fatalf("waitrequest: no request for %s within 20s", args[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
}
