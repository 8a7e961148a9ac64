package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
)

// confirm asks a yes/no question on stderr and reads the answer from stdin.
// Anything but y/yes is a no.
func (s *IOStreams) confirm(question string) (bool, error) {
	fmt.Fprintf(s.ErrOut, "%s [y/N] ", question)
	line, err := s.readLine()
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// promptSecret asks for a value without echoing it.
func (s *IOStreams) promptSecret(label string) (string, error) {
	fmt.Fprintf(s.ErrOut, "%s: ", label)
	if s.readSecret == nil {
		return "", errors.New("cannot read a secret: no terminal")
	}
	restore := func() {}
	if s.saveTerminal != nil {
		restore = s.saveTerminal()
	}
	b, err := untilInterrupted(s.interrupted, s.readSecret)
	if errors.Is(err, context.Canceled) {
		restore() // ReadPassword is still blocked and would leave echo off
	}
	fmt.Fprintln(s.ErrOut)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", strings.ToLower(label), err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (s *IOStreams) readLine() (string, error) {
	if s.lines == nil {
		s.lines = bufio.NewReader(s.In)
	}
	line, err := untilInterrupted(s.interrupted, func() (string, error) { return s.lines.ReadString('\n') })
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(s.ErrOut)
		return "", err
	}
	if !s.stderrTTY {
		// The terminal echoed the answer and its newline, but not into a
		// redirected stderr: end the prompt's line there too.
		fmt.Fprintln(s.ErrOut)
	}
	if err != nil && line == "" {
		return "", fmt.Errorf("no answer on standard input: %w", err)
	}
	return line, nil
}

// untilInterrupted runs read and returns its answer, or context.Canceled as
// soon as interrupted is closed. The read itself cannot be cancelled; it is
// left blocked, which is harmless because the process is about to exit 130.
func untilInterrupted[T any](interrupted <-chan struct{}, read func() (T, error)) (T, error) {
	if interrupted == nil {
		return read()
	}
	type answer struct {
		value T
		err   error
	}
	done := make(chan answer, 1)
	go func() {
		v, err := read()
		done <- answer{v, err}
	}()
	select {
	case a := <-done:
		return a.value, a.err
	case <-interrupted:
		var zero T
		return zero, fmt.Errorf("prompt interrupted: %w", context.Canceled)
	}
}
