package cli

import (
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

	// Terminal answers whether the given stream is an interactive terminal.
	// Nil means "never a terminal" (tests, pipes).
	stdinTTY, stdoutTTY, stderrTTY bool
	// readSecret reads a line from the terminal without echo.
	readSecret func() ([]byte, error)
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
	}
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// IsStdinTTY reports whether standard input is an interactive terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether standard output is an interactive terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is an interactive terminal.
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// CanPrompt reports whether the user can be asked a question.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stderrTTY }
