package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// debugBodyLimit keeps a log readable; bodies of the token API are far smaller.
const debugBodyLimit = 8 << 10

// sensitiveHeaders always have their values replaced in the debug log.
var sensitiveHeaders = map[string]bool{
	SessionTokenHeader:    true,
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// sensitiveHeaderWords catch credentials passed through Config.Header under other names
// (for example a proxy's "X-Auth-Token").
var sensitiveHeaderWords = []string{"token", "secret", "password", "cookie", "api-key", "apikey"}

// sensitiveJSONKeys name body fields that carry secrets: a minted key, a session token
// from login, a password.
var sensitiveJSONKeys = []string{"key", "session_token", "password", "token", "secret", "api_key", "access_token", "refresh_token", "authorization"}

// debugTransport logs every attempt as it goes over the wire, so retries and redirects
// show up as separate blocks. Secrets are redacted before anything is written.
type debugTransport struct {
	next    http.RoundTripper
	out     io.Writer
	secrets []string
	mu      sync.Mutex // one block is one Write; concurrent requests do not interleave
}

func newDebugTransport(next http.RoundTripper, out io.Writer, secrets []string) *debugTransport {
	return &debugTransport{next: next, out: out, secrets: secrets}
}

func (d *debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, err := peekRequestBody(req)
	if err != nil {
		return nil, err
	}
	// What the request carries in secret fields stays secret wherever the
	// answer repeats it.
	secrets := append(append([]string(nil), d.secrets...), bodySecrets(reqBody)...)
	target := req.Method + " " + req.URL.Redacted()
	d.write("--> "+target, req.Header, reqBody, "", secrets)

	start := time.Now()
	resp, err := d.next.RoundTrip(req)
	elapsed := time.Since(start).Round(time.Microsecond)
	if err != nil {
		d.write(fmt.Sprintf("<-- %s failed after %s: %v", target, elapsed, err), nil, nil, "", secrets)
		return nil, err
	}

	if req.Context().Value(streamedBodyKey{}) != nil {
		// The token list is decoded as it arrives and may be far larger than
		// the limit below: log its beginning and pass the stream on.
		head, readErr := io.ReadAll(io.LimitReader(resp.Body, debugBodyLimit))
		note := fmt.Sprintf("(streamed: the first %d bytes are shown, the rest is decoded unlogged)", len(head))
		if readErr != nil {
			note = fmt.Sprintf("(body read failed after %d bytes: %v)", len(head), readErr)
		}
		resp.Body = streamedBody{Reader: io.MultiReader(bytes.NewReader(head), resp.Body), Closer: resp.Body}
		d.write(fmt.Sprintf("<-- %s %s (%s)", resp.Status, target, elapsed), resp.Header, head, note, secrets)
		return resp, nil
	}

	// Bounded like the client's own read: -v must not let a huge (or
	// decompressed) body exhaust memory before resty's limit applies.
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, responseBodyLimit+1))
	if readErr == nil && len(body) > responseBodyLimit {
		body = body[:responseBodyLimit]
		readErr = fmt.Errorf("response body is larger than the %d MiB limit", responseBodyLimit>>20)
	}
	_ = resp.Body.Close()
	resp.Body = &replayBody{data: body, err: readErr}
	note := ""
	if readErr != nil {
		note = fmt.Sprintf("(body read failed after %d bytes: %v)", len(body), readErr)
	}
	d.write(fmt.Sprintf("<-- %s %s (%s)", resp.Status, target, elapsed), resp.Header, body, note, secrets)
	return resp, nil
}

// streamedBodyKey marks, in a request's context, an answer the caller reads as
// a stream (see Client.execute).
type streamedBodyKey struct{}

type streamedBody struct {
	io.Reader
	io.Closer
}

// peekRequestBody returns a copy of the body without consuming the request's own.
func peekRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody == nil {
		// resty always sets GetBody; without it the body cannot be read twice.
		return []byte("(body not shown)"), nil
	}
	rc, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (d *debugTransport) write(headline string, header http.Header, body []byte, note string, secrets []string) {
	var b strings.Builder
	b.WriteString(headline)
	b.WriteByte('\n')
	names := make([]string, 0, len(header))
	for name := range header {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		for _, value := range header[name] {
			if isSensitiveHeader(name) {
				value = redactionMarker
			}
			fmt.Fprintf(&b, "%s: %s\n", name, value)
		}
	}
	if len(body) > 0 {
		b.WriteByte('\n')
		b.WriteString(debugBody(body))
		b.WriteByte('\n')
	}
	if note != "" {
		b.WriteString(note)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')

	text := scrub(b.String(), secrets)
	d.mu.Lock()
	defer d.mu.Unlock()
	_, _ = io.WriteString(d.out, text)
}

func isSensitiveHeader(name string) bool {
	canonical := http.CanonicalHeaderKey(name)
	if sensitiveHeaders[canonical] {
		return true
	}
	lower := strings.ToLower(canonical)
	for _, word := range sensitiveHeaderWords {
		if strings.Contains(lower, word) {
			return true
		}
	}
	return false
}

// debugBody renders a body for the log: JSON with secret fields redacted (the whole
// body is parsed before cutting, so truncation never exposes a half-redacted value),
// anything else as text, both cut at debugBodyLimit.
func debugBody(body []byte) string {
	if redacted, ok := redactJSON(body); ok {
		body = redacted
	} else if redacted, ok := redactJSONStream(body); ok {
		body = redacted
	}
	if len(body) > debugBodyLimit {
		return truncate(body, debugBodyLimit) + fmt.Sprintf(" (%d bytes in total)", len(body))
	}
	return string(body)
}

// redactJSON returns body with every value under a sensitive key replaced, at any
// depth, keeping key order. ok is false when body is not a single JSON value.
func redactJSON(body []byte) ([]byte, bool) {
	if !json.Valid(body) {
		return nil, false
	}
	var out bytes.Buffer
	if err := redactValue(&out, json.RawMessage(bytes.TrimSpace(body))); err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

func redactValue(out *bytes.Buffer, raw json.RawMessage) error {
	if len(raw) == 0 || (raw[0] != '{' && raw[0] != '[') {
		out.Write(raw)
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if _, err := dec.Token(); err != nil { // opening delimiter
		return err
	}
	isObject := raw[0] == '{'
	if isObject {
		out.WriteByte('{')
	} else {
		out.WriteByte('[')
	}
	for i := 0; dec.More(); i++ {
		if i > 0 {
			out.WriteByte(',')
		}
		sensitive := false
		if isObject {
			keyToken, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := keyToken.(string)
			encodedKey, _ := json.Marshal(key)
			out.Write(encodedKey)
			out.WriteByte(':')
			sensitive = isSensitiveJSONKey(key)
		}
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return err
		}
		if sensitive {
			out.WriteString(`"` + redactionMarker + `"`)
			continue
		}
		if err := redactValue(out, value); err != nil {
			return err
		}
	}
	if isObject {
		out.WriteByte('}')
	} else {
		out.WriteByte(']')
	}
	return nil
}

func isSensitiveJSONKey(key string) bool {
	for _, k := range sensitiveJSONKeys {
		if strings.EqualFold(key, k) {
			return true
		}
	}
	return false
}

// replayBody hands the already-read body to resty, then the error that ended the read
// (a truncated body must still fail, and be retried, as it would without logging).
type replayBody struct {
	data []byte
	err  error
}

func (r *replayBody) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func (r *replayBody) Close() error { return nil }
