package coderdtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// HostileText is what a Hostile fault appends to every name and message: a colour
// change, an OSC window title, a carriage return and a C1 CSI, each of which acts on a
// terminal that prints it raw.
const HostileText = "\x1b[31m\x1b]0;pwned\x07\rFAKE\u009b2J"

// hostileFields are the answer fields that carry text chosen by users or the server.
var hostileFields = map[string]bool{
	"token_name": true, "username": true, "name": true, "email": true, "version": true,
	"message": true, "detail": true,
}

func writeRedirect(w http.ResponseWriter, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusFound
	}
	w.Header().Set("Location", f.Redirect)
	w.WriteHeader(status)
}

// writeEcho imitates a server or proxy that repeats the request in its error, the way
// some validation layers do: every header and the whole body come back in the message.
func (s *Server) writeEcho(w http.ResponseWriter, r *http.Request, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadRequest
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	names := make([]string, 0, len(r.Header))
	for name := range r.Header {
		names = append(names, name)
	}
	sort.Strings(names)
	var headers strings.Builder
	for _, name := range names {
		fmt.Fprintf(&headers, "%s: %s\n", name, strings.Join(r.Header[name], ", "))
	}
	w.Header().Set(buildVersionHeader, s.version)
	writeJSON(w, status, response{
		Message: "Invalid request: " + string(body),
		Detail:  headers.String(),
	})
}

// writeRewritten runs the real handler and sends a spoiled version of its answer.
func writeRewritten(w http.ResponseWriter, r *http.Request, f Fault, handle http.HandlerFunc) {
	captured := &bufferedResponse{header: http.Header{}}
	if f.Status != 0 && f.Body == "" {
		// A spoiled error answer: the handler does not run.
		message := f.Message
		if message == "" {
			message = defaultFaultMessage(f.Status)
		}
		writeJSON(captured, f.Status, response{Message: message, Detail: "detail from the server"})
	} else {
		handle(captured, r)
	}
	status := captured.status
	if status == 0 {
		status = http.StatusOK
	}
	body := captured.body.Bytes()
	if f.Body != "" {
		body = []byte(f.Body)
		if f.Status != 0 {
			status = f.Status
		}
	}
	if f.Hostile {
		body = hostileJSON(body)
	}
	for name, values := range captured.header {
		w.Header()[name] = values
	}
	w.Header().Del("Content-Length")
	if f.Gzip {
		var zipped bytes.Buffer
		zw := gzip.NewWriter(&zipped)
		_, _ = zw.Write(body)
		for left := f.Pad; left > 0; left -= len(padding) {
			_, _ = zw.Write(padding[:min(left, len(padding))])
		}
		_ = zw.Close()
		body = zipped.Bytes()
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var padding = bytes.Repeat([]byte(" "), 64<<10)

// hostileJSON appends HostileText to every text field a person would read. Bodies that
// are not JSON come back unchanged.
func hostileJSON(body []byte) []byte {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return body
	}
	out, err := json.Marshal(poison(v, ""))
	if err != nil {
		return body
	}
	return out
}

func poison(v any, field string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, child := range x {
			x[k] = poison(child, k)
		}
	case []any:
		for i, child := range x {
			x[i] = poison(child, field)
		}
	case string:
		if hostileFields[field] {
			return x + HostileText
		}
	}
	return v
}
