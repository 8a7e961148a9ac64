package cli

import (
	"context"
	"os"
	"os/signal"
)

// interrupts turns the signals in Options.Signals into a cancelled command
// context, from the moment a command starts (prepare) until run returns.
//
// Subscribing later than at process start is deliberate: it starts a
// goroutine and with it, on a 2-core VM, another thread, about 1.5 ms of the
// 16 ms `coder --version` took, for commands that have nothing to interrupt
// (--version, --help, flag errors). Until then a Ctrl-C has the default
// effect of ending the process at once, before anything was sent.
type interrupts struct {
	signals []os.Signal
	cancel  context.CancelFunc
	stop    func()
}

func (in *interrupts) catch() {
	if len(in.signals) == 0 || in.stop != nil {
		return
	}
	caught := make(chan os.Signal, 1)
	// Caught until run returns, so a second Ctrl-C while the first is
	// handled (a revoke, a hint) does not kill the process half way.
	signal.Notify(caught, in.signals...)
	done := make(chan struct{})
	go func() {
		select {
		case <-caught:
			in.cancel()
		case <-done:
		}
	}()
	in.stop = func() {
		signal.Stop(caught)
		close(done)
	}
}

func (in *interrupts) release() {
	if in.stop != nil {
		in.stop()
	}
}
