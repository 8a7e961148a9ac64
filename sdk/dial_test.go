package sdk

import (
	"context"
	"errors"
	"net"
	"net/url"
	"syscall"
	"testing"
	"time"
)

func TestRetryRefusedDialsAgainOnce(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name      string
		retries   int
		failures  []error // what each dial returns, in order; then success
		wantDials int
		wantErr   bool
	}{
		{"refused twice: one retry, then give up", 1, []error{refused, refused}, 2, true},
		{"refused once: the retry connects", 1, []error{refused}, 2, false},
		{"retries off", 0, []error{refused}, 1, true},
		{"other errors are not retried here", 1, []error{errors.New("no route to host")}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dials := 0
			fake := func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials++
				if dials <= len(tt.failures) {
					return nil, tt.failures[dials-1]
				}
				client, server := net.Pipe()
				_ = server.Close()
				return client, nil
			}
			conn, err := retryRefused(fake, tt.retries, time.Millisecond)(context.Background(), "tcp", "127.0.0.1:1")
			if conn != nil {
				_ = conn.Close()
			}
			if dials != tt.wantDials || (err != nil) != tt.wantErr {
				t.Fatalf("dialed %d times with err %v; want %d dials, error %v", dials, err, tt.wantDials, tt.wantErr)
			}
		})
	}
}

// TestRefusedPortFailsFast: nothing listening costs one 100 ms retry, not
// seconds of backoff, and --retries 0 (MaxRetries < 0) skips even that.
func TestRefusedPortFailsFast(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	for _, tt := range []struct {
		maxRetries         int
		atLeast, underThan time.Duration
	}{
		{maxRetries: 3, atLeast: refusedRetryWait, underThan: refusedRetryWait + 400*time.Millisecond},
		{maxRetries: -1, atLeast: 0, underThan: refusedRetryWait},
	} {
		c := New(Config{URL: mustURL(t, "http://"+addr), MaxRetries: tt.maxRetries})
		start := time.Now()
		_, err := c.BuildInfo(context.Background())
		elapsed := time.Since(start)
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("err = %v, want connection refused", err)
		}
		if elapsed < tt.atLeast || elapsed >= tt.underThan {
			t.Errorf("MaxRetries %d: refused after %v, want within [%v, %v)", tt.maxRetries, elapsed, tt.atLeast, tt.underThan)
		}
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
