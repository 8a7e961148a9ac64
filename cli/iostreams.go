package cli

import (
	"bufio"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is everything a command reads from or writes to. Commands never
// touch os.Stdin/os.Stdout directly, so tests can drive them with buffers.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// Which streams are interactive terminals; false in tests and pipes.
	stdinTTY, stdoutTTY, stderrTTY bool
	// readSecret reads a line from the terminal without echo.
	readSecret func() ([]byte, error)
	// saveTerminal records the terminal's mode and returns what puts it
	// back; an interrupted hidden prompt must not leave echo off.
	saveTerminal func() (restore func())
	lines        *bufio.Reader
	// interrupted is closed on Ctrl-C: a prompt waiting for input returns
	// at once instead of after the next Enter.
	interrupted <-chan struct{}
	// outColors colours stdout (table headers, status cells); see setColors.
	outColors *palette
}

// SystemIO returns streams bound to the process's standard files.
func SystemIO() *IOStreams {
	return &IOStreams{
		In:         os.Stdin,
		Out:        os.Stdout,
		ErrOut:     os.Stderr,
		stdinTTY:   isTerminal(os.Stdin),
		stdoutTTY:  isTerminal(os.Stdout),
		stderrTTY:  isTerminal(os.Stderr),
		readSecret: func() ([]byte, error) { return term.ReadPassword(int(os.Stdin.Fd())) },
		saveTerminal: func() func() {
			fd := int(os.Stdin.Fd())
			state, err := term.GetState(fd)
			if err != nil {
				return func() {}
			}
			return func() { _ = term.Restore(fd, state) }
		},
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY reports whether standard input is an interactive terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is an interactive terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is an interactive terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked a question: answers come
// from a terminal, not from a pipe a script feeds.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY }

// forceTTY makes output behave as on a terminal (relative times, the
// "shown only once" note), like upstream's --force-tty.
func (s *IOStreams) forceTTY() {
	s.stdoutTTY, s.stderrTTY = true, true
}
