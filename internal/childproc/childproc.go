// Package childproc runs one program on behalf of `coder tokens exec`: it
// finds the program before anything is minted, builds its environment, hands
// it the caller's standard streams, forwards the signals that reach coder, and
// reports its exit status the way a shell would.
package childproc

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
)

// Exit statuses a shell uses when a command cannot be run; scripts test for them.
const (
	ExitNotExecutable = 126
	ExitNotFound      = 127
)

// ForwardedSignals are the signals coder passes on to the program instead of
// dying of them: what a terminal, a CI runner cancelling a job, or a closed
// SSH session sends.
var ForwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP}

// Notify subscribes c to the ForwardedSignals that coder did not inherit as
// ignored. Under nohup, SIGHUP starts out ignored and the command inherits
// that; catching it would reset the command's SIGHUP to the default and
// then forward the hangup nohup was meant to shield it from.
func Notify(c chan<- os.Signal) {
	for _, sig := range ForwardedSignals {
		if !signal.Ignored(sig) {
			signal.Notify(c, sig)
		}
	}
}

// Program is a command resolved to a file, ready to run.
type Program struct {
	Path string   // the file that will be executed
	Args []string // argv, starting with the name as the user gave it
}

// FindError says why a program cannot be run, with the shell's exit status for it.
type FindError struct {
	Name string
	Code int // ExitNotFound or ExitNotExecutable
	Err  error
}

func (e *FindError) Error() string {
	if e.Code == ExitNotFound {
		return fmt.Sprintf("%s: command not found", e.Name)
	}
	return fmt.Sprintf("%s: cannot be executed: %v", e.Name, e.Err)
}

func (e *FindError) Unwrap() error { return e.Err }

// Find resolves argv[0] as a shell would: a name containing a slash is a
// path, any other name is searched for in $PATH. It runs before any request,
// so a typo costs nothing on the server.
func Find(argv []string) (*Program, error) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, &FindError{Name: "''", Code: ExitNotFound, Err: exec.ErrNotFound}
	}
	name := argv[0]
	path, err := exec.LookPath(name)
	if err != nil {
		code := ExitNotFound
		// A path that exists but may not be run (mode, a directory) is the
		// shell's 126; a name PATH does not have is 127.
		if strings.Contains(name, "/") {
			if info, statErr := os.Stat(name); statErr == nil && (info.IsDir() || errors.Is(err, fs.ErrPermission)) {
				code = ExitNotExecutable
			}
		}
		return nil, &FindError{Name: name, Code: code, Err: err}
	}
	return &Program{Path: path, Args: argv}, nil
}

// Spec is how a program runs.
type Spec struct {
	Env    []string // the whole environment, as KEY=value
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Signals delivers the signals to forward while the program runs. The
	// caller subscribes (signal.Notify) before it mints anything, so that a
	// signal arriving early is not lost and does not kill coder with the
	// token still alive.
	Signals <-chan os.Signal
	// TerminalInterrupts reports whether a terminal's Ctrl-C reaches the
	// child by itself, so that coder's SIGINT is not passed on as a second
	// one; nil asks the controlling terminal.
	TerminalInterrupts func() bool
}

// Status is how a program ended.
type Status struct {
	Code   int            // the shell convention: the exit code, or 128+N for signal N
	Signal syscall.Signal // the signal that killed it; 0 if it exited
}

func (s Status) String() string {
	if s.Signal != 0 {
		return fmt.Sprintf("killed by signal %d (%s)", int(s.Signal), s.Signal)
	}
	return fmt.Sprintf("exit status %d", s.Code)
}

// Run starts the program, forwards signals from spec.Signals until it ends,
// and waits for it. It does not take a context on purpose: when coder is
// asked to stop, the program decides how to stop, and coder waits for it so
// that it can revoke the token afterwards.
func (p *Program) Run(spec Spec) (Status, error) {
	cmd := &exec.Cmd{
		Path:   p.Path,
		Args:   p.Args,
		Env:    spec.Env,
		Stdin:  spec.Stdin,
		Stdout: spec.Stdout,
		Stderr: spec.Stderr,
	}
	if err := cmd.Start(); err != nil {
		return Status{Code: ExitNotExecutable}, &FindError{Name: p.Args[0], Code: ExitNotExecutable, Err: err}
	}
	terminalInterrupts := spec.TerminalInterrupts
	if terminalInterrupts == nil {
		terminalInterrupts = terminalSignalsGroup
	}
	done := make(chan struct{})
	forwarded := make(chan struct{})
	go func() {
		defer close(forwarded)
		for {
			select {
			case sig := <-spec.Signals:
				if sig == syscall.SIGINT && terminalInterrupts() {
					continue // the terminal sent the child its own copy
				}
				// ErrProcessDone only means it ended meanwhile; Wait reports how.
				_ = cmd.Process.Signal(sig)
			case <-done:
				return
			}
		}
	}()
	waitErr := cmd.Wait()
	close(done)
	<-forwarded
	return statusOf(cmd.ProcessState, waitErr)
}

func statusOf(state *os.ProcessState, waitErr error) (Status, error) {
	if state == nil {
		return Status{Code: 1}, fmt.Errorf("waiting for the command: %w", waitErr)
	}
	if ws, ok := state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return Status{Code: 128 + int(ws.Signal()), Signal: ws.Signal()}, nil
	}
	var exitErr *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exitErr) {
		// The program ran, but copying one of its streams failed.
		return Status{Code: state.ExitCode()}, fmt.Errorf("the command's output could not be copied: %w", waitErr)
	}
	return Status{Code: state.ExitCode()}, nil
}

// Environment returns base with the variables set and the names in unset
// removed. Later entries of base win for duplicates, as in exec.Cmd, but set
// always wins, and the result has each name once.
func Environment(base []string, set map[string]string, unset ...string) []string {
	drop := map[string]bool{}
	for _, name := range unset {
		drop[name] = true
	}
	for name := range set {
		drop[name] = true
	}
	out := make([]string, 0, len(base)+len(set))
	seen := map[string]int{}
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if drop[name] {
			continue
		}
		if i, dup := seen[name]; dup {
			out[i] = kv
			continue
		}
		seen[name] = len(out)
		out = append(out, kv)
	}
	for _, name := range slices.Sorted(maps.Keys(set)) {
		out = append(out, name+"="+set[name])
	}
	return out
}
