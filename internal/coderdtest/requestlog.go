package coderdtest

// Every route passes through wrap, which records the request before a fault or the
// handler sees it, so tests can assert on what a client sent, faulted calls included.

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"time"
)

// RecordedRequest is one request as the server received it.
type RecordedRequest struct {
	Method   string
	Path     string
	RawQuery string
	Route    string // the matched route pattern; "" when no route matched
	Header   http.Header
	Body     []byte
	// At is when the request arrived (wall clock, not the server clock), and
	// RemoteAddr the client's address: together they show which requests
	// overlapped and which reused a connection.
	At         time.Time
	RemoteAddr string
}

// wrap records the request, applies any matching fault and stamps the build version header
// before handing over to next.
func (s *Server) wrap(route string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil && !errors.Is(err, io.EOF) {
			writeJSON(w, http.StatusBadRequest, response{Message: msgInvalidJSON, Detail: err.Error()})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.record(r, route, body)

		handle := func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set(buildVersionHeader, s.version)
			next(w, r)
		}
		if fault, ok := s.takeFault(route); ok {
			s.applyFault(w, r, fault, handle)
			return
		}
		handle(w, r)
	}
}

func (s *Server) record(r *http.Request, route string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, RecordedRequest{
		Method:     r.Method,
		Path:       r.URL.Path,
		RawQuery:   r.URL.RawQuery,
		Route:      route,
		Header:     r.Header.Clone(),
		Body:       body,
		At:         time.Now(),
		RemoteAddr: r.RemoteAddr,
	})
}

// Requests returns every request received so far, faulted ones included, in arrival order.
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.requests))
	for i, r := range s.requests {
		r.Header = r.Header.Clone() // callers may edit what they get without touching the log
		r.Body = append([]byte(nil), r.Body...)
		out[i] = r
	}
	return out
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// RoutePatterns lists every route pattern any generation registers (ServeMux syntax).
func RoutePatterns() []string {
	patterns := make([]string, 0, len(routeTable))
	for _, rt := range routeTable {
		patterns = append(patterns, rt.pattern)
	}
	return patterns
}
