package sdk

import (
	"context"
	"errors"
	"net"
	"syscall"
	"time"
)

// refusedRetryWait is the pause before dialing a refused address again. A refusal
// is immediate (nothing listens there), so one quick second try covers a server
// that is restarting, and a typo in the URL costs ~100 ms instead of seconds of
// backoff. Nothing was sent, so the retry is safe even for a POST.
const refusedRetryWait = 100 * time.Millisecond

type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// retryRefused dials again, up to retries times, when the connection is refused.
func retryRefused(dial dialFunc, retries int, wait time.Duration) dialFunc {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dial(ctx, network, addr)
		for attempt := 0; attempt < retries && isRefused(err); attempt++ {
			timer := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				timer.Stop()
				return nil, err
			case <-timer.C:
			}
			conn, err = dial(ctx, network, addr)
		}
		return conn, err
	}
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
