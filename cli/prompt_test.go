package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
)

// Ctrl-C at a [y/N] question or a hidden prompt returns at once (Main turns
// context.Canceled into exit 130), without waiting for an Enter that never
// comes, and a hidden prompt gives the terminal its echo back.
func TestPromptsReturnAtOnceWhenInterrupted(t *testing.T) {
	never, _ := io.Pipe() // a terminal nobody types into
	interrupted := make(chan struct{})
	close(interrupted)
	restored := false
	s := &IOStreams{In: never, ErrOut: &bytes.Buffer{}, interrupted: interrupted,
		readSecret:   func() ([]byte, error) { select {} },
		saveTerminal: func() func() { return func() { restored = true } },
	}
	if _, err := s.confirm("Delete?"); !errors.Is(err, context.Canceled) {
		t.Errorf("confirm = %v, want context.Canceled", err)
	}
	if _, err := s.promptSecret("Password"); !errors.Is(err, context.Canceled) {
		t.Errorf("promptSecret = %v, want context.Canceled", err)
	}
	if !restored {
		t.Error("the terminal mode was not restored after an interrupted hidden prompt")
	}
}
