package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/go-resty/resty/v2"
)

func TestRetryDelay(t *testing.T) {
	now := time.Date(2026, 2, 22, 10, 0, 0, 0, time.UTC)
	noJitter := func(int64) int64 { return 0 }
	fullJitter := func(n int64) int64 { return n - 1 }
	const (
		waitMin = 100 * time.Millisecond
		waitMax = 2 * time.Second
	)
	tests := []struct {
		name       string
		attempt    int
		retryAfter string
		jitter     func(int64) int64
		want       time.Duration
	}{
		{name: "first retry waits the minimum", attempt: 1, jitter: noJitter, want: 100 * time.Millisecond},
		{name: "backoff doubles", attempt: 2, jitter: noJitter, want: 200 * time.Millisecond},
		{name: "and doubles again", attempt: 4, jitter: noJitter, want: 800 * time.Millisecond},
		{name: "capped at the maximum", attempt: 10, jitter: noJitter, want: waitMax},
		{name: "huge attempt does not overflow", attempt: 200, jitter: noJitter, want: waitMax},
		{name: "jitter adds up to half", attempt: 2, jitter: fullJitter, want: 300*time.Millisecond - 1},
		{name: "jitter never passes the cap", attempt: 5, jitter: fullJitter, want: waitMax},
		{name: "Retry-After seconds longer than backoff wins", attempt: 1, retryAfter: "1", jitter: noJitter, want: time.Second},
		{name: "Retry-After shorter than the backoff keeps the backoff", attempt: 3, retryAfter: "0", jitter: noJitter, want: 400 * time.Millisecond},
		{name: "Retry-After is capped", attempt: 1, retryAfter: "120", jitter: noJitter, want: waitMax},
		{name: "Retry-After HTTP date", attempt: 1, retryAfter: now.Add(1500 * time.Millisecond).Format(http.TimeFormat), jitter: noJitter,
			want: 1 * time.Second}, // HTTP dates have whole seconds: 10:00:01
		{name: "Retry-After HTTP date far away is capped", attempt: 1, retryAfter: now.Add(time.Hour).Format(http.TimeFormat), jitter: noJitter, want: waitMax},
		{name: "Retry-After date in the past", attempt: 1, retryAfter: now.Add(-time.Hour).Format(http.TimeFormat), jitter: noJitter, want: waitMin},
		{name: "garbage Retry-After is ignored", attempt: 2, retryAfter: "soon", jitter: noJitter, want: 200 * time.Millisecond},
		{name: "negative Retry-After is ignored", attempt: 1, retryAfter: "-5", jitter: noJitter, want: waitMin},
		{name: "enormous Retry-After is capped", attempt: 1, retryAfter: "99999999999999999", jitter: noJitter, want: waitMax},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryDelay(tt.attempt, tt.retryAfter, now, waitMin, waitMax, tt.jitter); got != tt.want {
				t.Errorf("retryDelay = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRetryDelayRandomJitterStaysInRange(t *testing.T) {
	for attempt := 1; attempt <= 6; attempt++ {
		for range 50 {
			d := retryDelay(attempt, "", time.Now(), 10*time.Millisecond, 200*time.Millisecond, randomJitter)
			base := min(10*time.Millisecond<<(attempt-1), 200*time.Millisecond)
			if d < base || d > min(base*3/2, 200*time.Millisecond) {
				t.Fatalf("attempt %d: delay %v outside [%v, 1.5×]", attempt, d, base)
			}
		}
	}
}

func TestShouldRetry(t *testing.T) {
	status := func(code int) *resty.Response {
		return &resty.Response{RawResponse: &http.Response{StatusCode: code}}
	}
	tests := []struct {
		name string
		resp *resty.Response
		err  error
		want bool
	}{
		{"429", status(429), nil, true},
		{"502", status(502), nil, true},
		{"503", status(503), nil, true},
		{"504", status(504), nil, true},
		{"500 is a server bug, not transient", status(500), nil, false},
		{"404", status(404), nil, false},
		{"200", status(200), nil, false},
		{"truncated body", status(200), io.ErrUnexpectedEOF, true},
		{"connection closed before answer", nil, &url.Error{Op: "Get", URL: "http://x", Err: io.EOF}, true},
		{"connection refused: the dialer retried it already", nil, &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, false},
		{"connection reset", nil, fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"unknown host", nil, &net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", IsNotFound: true}}, false},
		{"timeout", nil, &url.Error{Op: "Get", URL: "http://x", Err: &net.OpError{Op: "dial", Err: timeoutErr{}}}, false},
		{"deadline", nil, &url.Error{Op: "Get", URL: "http://x", Err: context.DeadlineExceeded}, false},
		{"cancelled", nil, &url.Error{Op: "Get", URL: "http://x", Err: context.Canceled}, false},
		{"body too large", status(200), resty.ErrResponseBodyTooLarge, false},
		{"other", nil, errors.New("tls: bad certificate"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shouldRetry(tt.resp, tt.err); got != tt.want {
				t.Errorf("shouldRetry = %v, want %v", got, tt.want)
			}
		})
	}
}
