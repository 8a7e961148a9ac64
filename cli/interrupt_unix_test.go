//go:build unix

package cli

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestInterruptsCancelOnceCaught: a signal cancels the command's context only
// after catch (prepare), and release stops the catching.
func TestInterruptsCancelOnceCaught(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	in := interrupts{signals: []os.Signal{syscall.SIGUSR1}, cancel: cancel}
	in.catch()
	in.catch() // a second prepare (completion) subscribes nothing more
	if err := syscall.Kill(os.Getpid(), syscall.SIGUSR1); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SIGUSR1 did not cancel the context")
	}
	in.release()
}

func TestInterruptsWithoutSignalsCatchNothing(t *testing.T) {
	in := interrupts{cancel: func() { t.Error("cancelled without a signal") }}
	in.catch()
	if in.stop != nil {
		t.Error("subscribed with no signals to catch")
	}
	in.release()
}
