package cli

import (
	"bufio"
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
	b, err := s.readSecret()
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
	line, err := s.lines.ReadString('\n')
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
