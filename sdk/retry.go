package sdk

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-resty/resty/v2"
)

// shouldRetry decides, for a request already known to be safe to repeat, whether its
// outcome is worth another attempt: a lost connection or a status that says "try later".
func shouldRetry(resp *resty.Response, err error) bool {
	if err != nil {
		return isConnectionError(err)
	}
	if resp == nil {
		return false
	}
	switch resp.StatusCode() {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// isConnectionError reports failures where the server most likely never produced a
// complete answer. Timeouts and cancellations are deliberately excluded: the per-request
// timeout is the caller's bound, and repeating a slow request would multiply it.
func isConnectionError(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return false
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		return false // a host that does not exist will not appear on retry
	}
	if isRefused(err) {
		// Nothing listens there: the dialer already tried again once (see
		// retryRefused); seconds of backoff would only delay the answer to a typo.
		return false
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}

// retryDelay is the wait before the next attempt. attempt counts the attempts made so
// far (1 after the first). The backoff doubles from waitMin up to waitMax and gets up
// to 50% random jitter so that many clients do not retry in lockstep. A Retry-After
// header (seconds or HTTP date) that asks for longer wins, but nothing exceeds waitMax:
// a server asking for minutes should surface as an error, not a hung command.
func retryDelay(attempt int, retryAfter string, now time.Time, waitMin, waitMax time.Duration, jitter func(n int64) int64) time.Duration {
	delay := waitMax
	if attempt < 1 {
		attempt = 1
	}
	if shift := attempt - 1; shift < 62 {
		if d := waitMin << shift; d > 0 && d < waitMax {
			delay = d
		}
	}
	if half := int64(delay / 2); half > 0 {
		delay += time.Duration(jitter(half))
	}
	if server, ok := parseRetryAfter(retryAfter, now); ok && server > delay {
		delay = server
	}
	return min(delay, waitMax)
}

// parseRetryAfter reads a Retry-After value: delay-seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		if seconds < 0 {
			return 0, false
		}
		if seconds > int64(time.Duration(1<<62)/time.Second) {
			return time.Duration(1 << 62), true
		}
		return time.Duration(seconds) * time.Second, true
	}
	at, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return max(at.Sub(now), 0), true
}

// randomJitter returns a uniform value in [0, n).
func randomJitter(n int64) int64 { return rand.Int64N(n) }
