package sdk

// How one API call becomes an HTTP request and its answer a result or an error:
// the single path every endpoint method goes through.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-resty/resty/v2"
)

// call describes one API request.
type call struct {
	method string
	path   string            // below /api/v2, with {placeholders}
	params map[string]string // placeholder values; resty escapes them with url.PathEscape
	query  url.Values
	body   any // JSON-encoded when non-nil
	// retryable marks requests that are safe to repeat. POST never is: a retried
	// create could mint a second token.
	retryable bool
	success   func(status int) bool
	secrets   []string // call-specific strings to keep out of errors (e.g. a password)
}

func statusIs(codes ...int) func(int) bool {
	return func(status int) bool {
		for _, c := range codes {
			if status == c {
				return true
			}
		}
		return false
	}
}

func any2xx(status int) bool { return status >= 200 && status <= 299 }

// send performs the call and returns the answer when its status is a success for the
// call; otherwise an *Error (unexpected status) or *TransportError (no answer).
func (c *Client) send(ctx context.Context, cl call) (httpAnswer, error) {
	answer, _, err := c.execute(ctx, cl, false)
	return answer, err
}

// execute is send; with stream set, a success body is not read but returned open
// (the caller closes it) and answer.body stays empty. Error bodies are always read,
// under responseBodyLimit, to build the *Error.
func (c *Client) execute(ctx context.Context, cl call, stream bool) (httpAnswer, io.ReadCloser, error) {
	display := c.displayURL(cl)
	if c.url == nil {
		return httpAnswer{}, nil, &TransportError{Method: cl.method, URL: display, Err: errors.New("no deployment URL configured")}
	}
	for name, value := range cl.params {
		if value == "" {
			return httpAnswer{}, nil, fmt.Errorf("%s %s: %s must not be empty", cl.method, display, name)
		}
	}

	rest := c.rest
	if stream {
		rest = c.streamRest
		ctx = context.WithValue(ctx, streamedBodyKey{}, true)
	}
	req := rest.R().SetContext(ctx).SetPathParams(cl.params).SetDoNotParseResponse(stream)
	if cl.query != nil {
		req.SetQueryParamsFromValues(cl.query)
	}
	if cl.body != nil {
		data, err := encodeJSON(cl.body)
		if err != nil {
			return httpAnswer{}, nil, fmt.Errorf("encode %s %s request body: %w", cl.method, display, err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(data)
	} else if cl.method != http.MethodGet && cl.method != http.MethodHead {
		// An explicit empty body: without it the request goes out chunked,
		// which some proxies and servers refuse for a POST or PUT.
		req.SetContentLength(true)
	}
	req.AddRetryCondition(func(resp *resty.Response, err error) bool {
		retry := cl.retryable && shouldRetry(resp, err)
		if retry && stream && resp != nil && resp.RawResponse != nil {
			// A retried answer is an error page: keep it (the last one becomes the
			// *Error) and free the connection for the next attempt.
			raw := resp.RawResponse
			data, _ := io.ReadAll(io.LimitReader(raw.Body, responseBodyLimit))
			_ = raw.Body.Close()
			raw.Body = io.NopCloser(bytes.NewReader(data))
		}
		return retry
	})

	resp, err := req.Execute(cl.method, cl.path)
	if resp != nil && resp.Request != nil && resp.Request.URL != "" {
		display = redactURL(resp.Request.URL)
	}
	if err != nil {
		if stream && resp != nil && resp.RawResponse != nil {
			_ = resp.RawResponse.Body.Close()
		}
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // its text repeats the URL, which TransportError already shows
		}
		return httpAnswer{}, nil, &TransportError{Method: cl.method, URL: display, Err: err}
	}

	answer := httpAnswer{
		method:      cl.method,
		url:         display,
		status:      resp.StatusCode(),
		contentType: resp.Header().Get("Content-Type"),
		location:    resp.Header().Get("Location"),
		body:        resp.Body(),
	}
	if raw := resp.RawResponse; raw != nil && raw.Request != nil && raw.Request.URL != nil {
		if final := redactURL(raw.Request.URL.String()); final != display {
			answer.redirectedFrom, answer.url = display, final
		}
	}
	var body io.ReadCloser
	if stream {
		body = resp.RawBody()
		if !cl.success(answer.status) {
			answer.body, err = io.ReadAll(io.LimitReader(body, responseBodyLimit))
			_ = body.Close()
			if err != nil {
				return answer, nil, &TransportError{Method: cl.method, URL: answer.url, Err: err}
			}
			body = nil
		}
	}
	if !cl.success(answer.status) {
		return answer, nil, errorFromBody(answer, c.secretsFor(cl))
	}
	return answer, body, nil
}

// sendJSON performs the call and decodes a success body into out.
func (c *Client) sendJSON(ctx context.Context, cl call, out any) error {
	answer, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	return decodeSuccess(answer, out, c.secretsFor(cl))
}

// secretsFor lists what errors of this call must not contain.
func (c *Client) secretsFor(cl call) []string {
	return append(append([]string(nil), c.secrets...), cl.secrets...)
}

// displayURL is the request URL as errors show it before resty has composed it.
func (c *Client) displayURL(cl call) string {
	path := cl.path
	for name, value := range cl.params {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(value))
	}
	if len(cl.query) > 0 {
		path += "?" + cl.query.Encode()
	}
	return redactURL(c.baseURL + path)
}

// redactURL hides a password embedded in the deployment URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// encodeJSON encodes like the upstream SDK: HTML escaping off, no trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// getJSON is a retryable GET whose only success is 200.
func (c *Client) getJSON(ctx context.Context, path string, params map[string]string, out any) error {
	return c.sendJSON(ctx, call{method: http.MethodGet, path: path, params: params,
		retryable: true, success: statusIs(http.StatusOK)}, out)
}
