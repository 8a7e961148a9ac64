package sdk

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// keyShape matches a Coder API key (10-character ID, dash, 22-character secret)
// anywhere in text. Whatever field, header or page it arrives in, its secret half
// is replaced; the ID, which is public, stays so the log can still be followed.
var keyShape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b([0-9A-Za-z]{10})-[0-9A-Za-z]{22}\b`) })

// scrubKeys replaces the secret half of every key-shaped string in s.
func scrubKeys(s string) string {
	if !strings.Contains(s, "-") {
		return s
	}
	return keyShape().ReplaceAllString(s, "${1}-"+redactionMarker)
}

// headerSecrets lists the values of configured headers whose names suggest a
// credential (a proxy's X-Auth-Token, say), so an echo of them is scrubbed too.
func headerSecrets(header map[string][]string) []string {
	var out []string
	for name, values := range header {
		if isSensitiveHeader(name) {
			out = append(out, values...)
		}
	}
	return out
}

// bodySecrets returns the values of sensitive fields (a password, a key) in a JSON
// body, at any depth. A server that echoes the request repeats them elsewhere, in a
// message or a header, where field-level redaction cannot see them.
func bodySecrets(body []byte) []string {
	var out []string
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		var v any
		if err := dec.Decode(&v); err != nil {
			break
		}
		collectSecrets(v, &out)
	}
	// A form body (application/x-www-form-urlencoded) carries passwords too.
	if form, err := url.ParseQuery(string(body)); err == nil && !json.Valid(body) {
		for key, values := range form {
			if isSensitiveJSONKey(key) {
				out = append(out, values...)
			}
		}
	}
	return out
}

func collectSecrets(v any, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			if s, ok := child.(string); ok && isSensitiveJSONKey(k) {
				*out = append(*out, s)
				continue
			}
			collectSecrets(child, out)
		}
	case []any:
		for _, child := range x {
			collectSecrets(child, out)
		}
	}
}

// redactJSONStream redacts a body made of several JSON values in a row (NDJSON, or a
// proxy that concatenates answers). ok is false unless every byte is JSON.
func redactJSONStream(body []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var out bytes.Buffer
	for n := 0; ; n++ {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			return out.Bytes(), n > 0
		}
		if err != nil {
			return nil, false
		}
		if n > 0 {
			out.WriteByte('\n')
		}
		if err := redactValue(&out, raw); err != nil {
			return nil, false
		}
	}
}

// Redact returns s with the given secrets and the secret half of every
// key-shaped string replaced, for text from outside the SDK that may quote a
// request or an answer (the standard library's own log lines, say).
func Redact(s string, secrets ...string) string {
	var all []string
	for _, secret := range secrets {
		all = append(all, secretsOf(secret)...)
	}
	return scrub(s, all)
}
