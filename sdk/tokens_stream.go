package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The token list is the one answer that grows with the deployment (~430 bytes per
// token; one per CI job adds up), so it is decoded entry by entry instead of under
// responseBodyLimit. These bound what a misbehaving server can make us read
// (variables only so tests can lower them).
var (
	// maxTokenEntryBytes bounds one list entry; a real one with a full 128-entry
	// allow list is under 10 KiB.
	maxTokenEntryBytes int64 = 1 << 20
	// maxTokenEntries bounds the list; a million tokens is ~430 MB of JSON.
	maxTokenEntries = 1_000_000
)

// ListLimitError is a token list the SDK stopped reading because the server sent an
// entry or a count past the limits above.
type ListLimitError struct {
	Method, URL string
	Entries     int // entries decoded before stopping
	Reason      string
}

func (e *ListLimitError) Error() string {
	return fmt.Sprintf("%s %s: stopped reading the token list after %d entries: %s", e.Method, e.URL, e.Entries, e.Reason)
}

// TokenSink receives a streamed token list.
type TokenSink struct {
	// Add is called for each entry, in the server's order, as soon as it is decoded.
	// An error from Add stops the listing and is returned as is.
	Add func(APIKeyWithOwner) error
	// Restart, if set, is called when the connection broke mid-list and the request
	// will be repeated: it forgets what Add received and reports true, or reports
	// false when that is impossible (output already written), which ends the listing
	// with the connection error.
	Restart func() bool
}

// EachToken lists tokens like Tokens but never holds the body or the whole list: each
// entry goes to sink.Add as it is decoded. A connection that breaks while the list is
// read is retried like any idempotent request, if sink.Restart allows it.
func (c *Client) EachToken(ctx context.Context, user string, filter TokensFilter, sink TokenSink) error {
	cl := call{method: http.MethodGet, path: "/users/{user}/keys/tokens",
		params: map[string]string{"user": user},
		query: url.Values{
			"include_all":     {strconv.FormatBool(filter.IncludeAll)},
			"include_expired": {strconv.FormatBool(filter.IncludeExpired)},
		},
		retryable: true, success: statusIs(http.StatusOK)}
	for attempt := 1; ; attempt++ {
		err := c.streamTokensOnce(ctx, cl, sink.Add)
		// Only a body cut short is retried here; resty has already retried
		// failures before the answer began.
		var cut *bodyCutError
		if err == nil || !errors.As(err, &cut) ||
			attempt > c.maxRetries || sink.Restart == nil || !sink.Restart() {
			return err
		}
		timer := time.NewTimer(retryDelay(attempt, "", time.Now(), c.retryWaitMin, c.retryWaitMax, randomJitter))
		select {
		case <-ctx.Done():
			timer.Stop()
			return err
		case <-timer.C:
		}
	}
}

// Tokens lists tokens. A server answering null yields an empty, non-nil slice.
func (c *Client) Tokens(ctx context.Context, user string, filter TokensFilter) ([]APIKeyWithOwner, error) {
	out := []APIKeyWithOwner{}
	err := c.EachToken(ctx, user, filter, TokenSink{
		Add:     func(t APIKeyWithOwner) error { out = append(out, t); return nil },
		Restart: func() bool { out = out[:0]; return true },
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Client) streamTokensOnce(ctx context.Context, cl call, add func(APIKeyWithOwner) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var watchdog *time.Timer
	if c.stallTimeout > 0 {
		stalled := &stalledError{after: c.stallTimeout}
		watchdog = time.AfterFunc(c.stallTimeout, func() { cancel(stalled) })
		defer watchdog.Stop()
	}
	answer, rawBody, err := c.execute(ctx, cl, true)
	if err != nil {
		var transportErr *TransportError
		if stalled := stallOf(ctx); stalled != nil && errors.As(err, &transportErr) {
			transportErr.Err = stalled
		}
		return err
	}
	defer rawBody.Close()
	body := io.Reader(rawBody)
	if watchdog != nil {
		body = &stallReader{r: rawBody, ctx: ctx, watchdog: watchdog, after: c.stallTimeout}
	}
	if mediaType, _, _ := mime.ParseMediaType(answer.contentType); mediaType == "text/html" {
		// A proxy's page with status 200: read a little of it for the usual error.
		answer.body, _ = io.ReadAll(io.LimitReader(body, 4<<10))
		return decodeSuccess(answer, nil, c.secretsFor(cl))
	}

	limited := &entryLimitReader{r: body}
	dec := json.NewDecoder(limited)
	invalid := func(err error) error {
		// Reading the whole body first used to surface a body cut short as the
		// connection error it is (and retry it); keep that by reading on.
		if _, readErr := io.Copy(io.Discard, io.LimitReader(body, responseBodyLimit)); isConnectionError(readErr) {
			return &bodyCutError{TransportError{Method: answer.method, URL: answer.url, Err: readErr}}
		}
		return c.invalidListError(answer, cl, err)
	}
	broken := func(err error) error {
		var limitErr *ListLimitError
		if errors.As(err, &limitErr) {
			limitErr.Method, limitErr.URL = answer.method, answer.url
			return limitErr
		}
		if isConnectionError(err) {
			return &bodyCutError{TransportError{Method: answer.method, URL: answer.url, Err: err}}
		}
		if IsTimeout(err) || errors.Is(err, context.Canceled) {
			return &TransportError{Method: answer.method, URL: answer.url, Err: err}
		}
		return invalid(err)
	}

	start, err := dec.Token()
	switch {
	case errors.Is(err, io.EOF):
		answer.body = nil
		return decodeSuccess(answer, nil, c.secretsFor(cl)) // "Received an empty response"
	case err != nil:
		return broken(err)
	case start == nil:
		return nil // the server answers null for no tokens
	case start != json.Delim('['):
		return invalid(fmt.Errorf("want a JSON array, got %v", start))
	}
	for n := 0; dec.More(); n++ {
		if n >= maxTokenEntries {
			return &ListLimitError{Method: answer.method, URL: answer.url, Entries: n,
				Reason: fmt.Sprintf("the server sent more than %d tokens", maxTokenEntries)}
		}
		limited.allow(dec.InputOffset() + maxTokenEntryBytes)
		var entry APIKeyWithOwner
		if err := dec.Decode(&entry); err != nil {
			if errors.Is(err, errEntryTooLarge) {
				return &ListLimitError{Method: answer.method, URL: answer.url, Entries: n,
					Reason: fmt.Sprintf("entry %d is larger than %d bytes", n+1, maxTokenEntryBytes)}
			}
			return broken(err)
		}
		if err := add(entry); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return broken(err)
	}
	return nil
}

func (c *Client) invalidListError(answer httpAnswer, cl call, cause error) error {
	e := &Error{StatusCode: answer.status, Method: answer.method, URL: answer.url,
		Response: Response{Message: "Received an invalid JSON response from the Coder API.",
			Detail: fmt.Sprintf("content type %q: %v", answer.contentType, cause)}}
	scrubError(e, c.secretsFor(cl))
	return e
}

// bodyCutError is a list whose answer began but broke off: worth repeating
// (callers see the *TransportError inside).
type bodyCutError struct{ TransportError }

func (e *bodyCutError) Unwrap() error { return &e.TransportError }

var errEntryTooLarge = errors.New("token list entry too large")

// entryLimitReader fails once the decoder has read more than allowed; json.Decoder
// buffers a whole value before decoding it, so this is what bounds one entry.
type entryLimitReader struct {
	r     io.Reader
	read  int64
	limit int64 // 0 until the first entry
}

// allow lets the decoder read up to offset, plus one read's worth of look-ahead.
func (l *entryLimitReader) allow(offset int64) { l.limit = offset + 64<<10 }

func (l *entryLimitReader) Read(p []byte) (int, error) {
	if l.limit > 0 && l.read >= l.limit {
		return 0, errEntryTooLarge
	}
	if l.limit > 0 && int64(len(p)) > l.limit-l.read {
		p = p[:l.limit-l.read]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// stalledError is the streamed list's timeout: the server sent nothing for a whole
// --timeout. It is a net.Error timeout, so callers report it like any other.
type stalledError struct{ after time.Duration }

func (e *stalledError) Error() string {
	return fmt.Sprintf("the server sent no data for %s (timeout)", e.after)
}
func (e *stalledError) Timeout() bool   { return true }
func (e *stalledError) Temporary() bool { return false }

func stallOf(ctx context.Context) *stalledError {
	var stalled *stalledError
	if errors.As(context.Cause(ctx), &stalled) {
		return stalled
	}
	return nil
}

// stallReader restarts the watchdog whenever data arrives, and names the stall as
// the reason when the cancelled request's body read fails.
type stallReader struct {
	r        io.Reader
	ctx      context.Context
	watchdog *time.Timer
	after    time.Duration
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if n > 0 {
		s.watchdog.Reset(s.after)
	}
	if err != nil && err != io.EOF {
		if stalled := stallOf(s.ctx); stalled != nil {
			return n, stalled
		}
	}
	return n, err
}
