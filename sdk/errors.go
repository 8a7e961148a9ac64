package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Response is the server's error body (codersdk.Response).
type Response struct {
	Message     string            `json:"message"`
	Detail      string            `json:"detail,omitempty"`
	Validations []ValidationError `json:"validations,omitempty"`
}

// ValidationError names one rejected request field.
type ValidationError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// Error is any HTTP answer the SDK did not expect: a non-success status, or a success
// status whose body is not the JSON the call needs. It is built like upstream
// codersdk.ReadBodyAsError so messages match what users of the upstream CLI see.
type Error struct {
	Response
	StatusCode int
	Method     string
	URL        string
	// Helper is a hint for the user; only 401 and HTML-instead-of-JSON answers get one.
	Helper string
}

// Error mirrors upstream's layout: "<METHOD> <URL>: unexpected status code <n>: <message>[: <helper>]",
// then "\n\tError: <detail>" and one "\n\t<field>: <detail>" per validation.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" && e.URL != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.URL)
	}
	fmt.Fprintf(&b, "unexpected status code %d: %s", e.StatusCode, e.Message)
	if e.Helper != "" {
		fmt.Fprintf(&b, ": %s", e.Helper)
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, "\n\tError: %s", e.Detail)
	}
	for _, v := range e.Validations {
		fmt.Fprintf(&b, "\n\t%s: %s", v.Field, v.Detail)
	}
	return b.String()
}

// TransportError is a request that produced no complete HTTP answer: connection refused
// or reset, timeout, cancellation, a body cut short.
type TransportError struct {
	Method string
	URL    string
	Err    error
}

func (e *TransportError) Error() string { return fmt.Sprintf("%s %s: %v", e.Method, e.URL, e.Err) }

func (e *TransportError) Unwrap() error { return e.Err }

func hasStatus(err error, code int) bool {
	var apiErr *Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == code
}

// IsNotFound reports a 404. Servers answer 404 both for "does not exist" and for
// "exists but you may not see it", so it does not prove absence.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports a 401: no, malformed, unknown or expired session token.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports a 403.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsConflict reports a 409, e.g. a duplicate token name.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsRateLimited reports a 429 that was still answered after any retries.
func IsRateLimited(err error) bool { return hasStatus(err, http.StatusTooManyRequests) }

// IsTimeout reports a request that ran out of time: the per-request timeout or a
// context deadline.
func IsTimeout(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	return errors.Is(err, context.DeadlineExceeded)
}

const (
	nonJSONDetailLimit   = 2048
	noMessageDetailLimit = 1024
	unauthorizedHelper   = "Try logging in using 'coder login'."
	htmlHelper           = "Ensure the Coder URL is correct and that any reverse proxy or SSO in front of it passes /api/v2 requests through to Coder."
	redactionMarker      = "[REDACTED]"
)

// httpAnswer is what error building needs from a response, independent of resty.
type httpAnswer struct {
	method      string
	url         string
	status      int
	contentType string
	location    string // Location header of a 3xx that was not followed
	body        []byte
	// redirectedFrom is the URL first requested when redirects led elsewhere.
	redirectedFrom string
}

// errorFromBody builds the *Error for an unexpected status, following upstream
// ReadBodyAsError, and scrubs any secret the server (or a proxy) echoed back.
func errorFromBody(a httpAnswer, secrets []string) *Error {
	e := &Error{StatusCode: a.status, Method: a.method, URL: a.url}
	if a.status == http.StatusUnauthorized {
		e.Helper = unauthorizedHelper
	}
	switch {
	case a.status >= 300 && a.status < 400:
		e.Message = redirectMessage(a)
		e.Helper = redirectHelper
	case !isJSONContentType(a.contentType):
		e.Message = fmt.Sprintf("unexpected non-JSON response %q", a.contentType)
		e.Detail = "no response body"
		if len(a.body) > 0 {
			e.Detail = truncate(a.body, nonJSONDetailLimit)
		}
	case len(bytes.TrimSpace(a.body)) == 0:
		e.Message = "empty response body"
	default:
		resp, err := firstResponse(a.body)
		if err != nil {
			e.Message = fmt.Sprintf("unexpected status code %d, response is not valid JSON", a.status)
			e.Detail = truncate(a.body, noMessageDetailLimit)
		} else if resp.Message == "" {
			e.Message = fmt.Sprintf("unexpected status code %d, response has no message", a.status)
			e.Detail = truncate(withoutSecretFields(a.body), noMessageDetailLimit)
		} else {
			e.Response = resp
		}
	}
	scrubError(e, secrets)
	return e
}

// firstResponse decodes the first JSON value of body. Some servers write two bodies on
// one error (the organization lookup answers a 404 with the generic not-found body and
// then its own); the first is what the handler meant to say.
func firstResponse(body []byte) (Response, error) {
	var resp Response
	err := json.NewDecoder(bytes.NewReader(body)).Decode(&resp)
	return resp, err
}

// decodeSuccess decodes a success body into v, turning proxy pages, empty bodies and
// broken JSON into an *Error that says what arrived instead (upstream ReadBodyAsJSON).
func decodeSuccess(a httpAnswer, v any, secrets []string) error {
	detail := fmt.Sprintf("content type %q", a.contentType)
	if a.redirectedFrom != "" {
		detail += ", after following redirects from " + a.redirectedFrom
	}
	e := &Error{StatusCode: a.status, Method: a.method, URL: a.url}
	mediaType, _, _ := mime.ParseMediaType(a.contentType)
	switch {
	case mediaType == "text/html":
		e.Message = "Received an HTML response instead of JSON from the Coder API."
		e.Detail = detail
		e.Helper = htmlHelper
	case len(bytes.TrimSpace(a.body)) == 0:
		e.Message = "Received an empty response from the Coder API."
		e.Detail = detail
	default:
		err := json.Unmarshal(a.body, v)
		if err == nil {
			return nil
		}
		e.Message = "Received an invalid JSON response from the Coder API."
		e.Detail = fmt.Sprintf("%s: %v", detail, err)
	}
	scrubError(e, secrets)
	return e
}

func isJSONContentType(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

// truncate cuts body to limit bytes (on a rune boundary) and marks the cut with "...".
func truncate(body []byte, limit int) string {
	if len(body) <= limit {
		return string(body)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut]) + "..."
}

// scrubError replaces secrets the server echoed back (a misbehaving proxy may reflect
// request headers into its error page) so that error strings are safe to print.
func scrubError(e *Error, secrets []string) {
	e.Message = scrub(e.Message, secrets)
	e.Detail = scrub(e.Detail, secrets)
	e.Helper = scrub(e.Helper, secrets)
	for i := range e.Validations {
		e.Validations[i].Field = scrub(e.Validations[i].Field, secrets)
		e.Validations[i].Detail = scrub(e.Validations[i].Detail, secrets)
	}
}

// minScrubLength keeps a very short password from mangling ordinary words in messages.
const minScrubLength = 6

func scrub(s string, secrets []string) string {
	for _, secret := range secrets {
		if len(secret) >= minScrubLength {
			s = strings.ReplaceAll(s, secret, redactionMarker)
		}
	}
	return scrubKeys(s)
}

// withoutSecretFields redacts secret-bearing JSON fields (an unexpected status may still
// carry a minted key) and otherwise returns body unchanged, so details match upstream.
func withoutSecretFields(body []byte) []byte {
	redacted, ok := redactJSON(body)
	if !ok {
		return body
	}
	var compact bytes.Buffer
	if json.Compact(&compact, body) == nil && bytes.Equal(compact.Bytes(), redacted) {
		return body
	}
	return redacted
}

// secretsOf lists the strings that must never be printed for a token: the whole token
// and, when it has the usual shape, its secret half on its own.
func secretsOf(token string) []string {
	if token == "" {
		return nil
	}
	secrets := []string{token}
	if _, secret, ok := SplitToken(token); ok {
		secrets = append(secrets, secret)
	}
	return secrets
}
