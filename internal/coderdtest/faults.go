package coderdtest

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Fault makes matching requests misbehave. Fields combine: Delay happens first, then the
// first of Drop, HTML, Redirect, Echo, Status, Truncate and the rewrites (Body, Hostile,
// Gzip) that is set; a Delay alone only slows the answer. The rewrites run the real
// handler first, so its side effects (a minted token) happen before the answer is spoiled.
type Fault struct {
	Route      string        // a registered route pattern, e.g. "POST /api/v2/users/{user}/keys/tokens"; "" = every route
	Times      int           // how many matching requests it affects; 0 = all of them
	Delay      time.Duration // wait before answering (abandon early if the request context is cancelled)
	Status     int           // answer with this status and a JSON codersdk.Response body instead of handling
	Message    string        // message for Status (default: the real server's text for that status)
	RetryAfter string        // Retry-After header value sent with Status
	HTML       bool          // answer Status (default 502) with a text/html proxy error page
	Truncate   bool          // run the real handler, then send only half the body and close the connection
	Drop       bool          // hijack and close the connection without writing any response
	Redirect   string        // answer Status (default 302) with this Location, without handling
	Echo       bool          // answer Status (default 400) with the request's headers and body in the message
	Body       string        // run the real handler, then send this body (with Status if set) instead of its own
	Hostile    bool          // run the real handler, then put terminal control sequences into its names and messages
	Gzip       bool          // run the real handler, then send its body gzip-compressed (Content-Encoding: gzip)
	Pad        int           // with Gzip, append this many spaces to the JSON before compressing
}

type activeFault struct {
	Fault
	remaining int // meaningful only when Times > 0
}

// AddFault registers f; faults are consulted in the order they were added.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &activeFault{Fault: f, remaining: f.Times})
}

// ClearFaults removes every registered fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// takeFault returns the first fault matching route and uses up one of its Times.
func (s *Server) takeFault(route string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		if f.Times > 0 {
			f.remaining--
			if f.remaining == 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
		}
		return f.Fault, true
	}
	return Fault{}, false
}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, handle http.HandlerFunc) {
	if f.Delay > 0 {
		timer := time.NewTimer(f.Delay)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-r.Context().Done():
			return // the client left; there is nobody to answer
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.HTML:
		writeProxyErrorPage(w, f)
	case f.Redirect != "":
		writeRedirect(w, f)
	case f.Echo:
		s.writeEcho(w, r, f)
	case f.Body != "" || f.Hostile || f.Gzip:
		writeRewritten(w, r, f, handle)
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		message := f.Message
		if message == "" {
			message = defaultFaultMessage(f.Status)
		}
		w.Header().Set(buildVersionHeader, s.version)
		writeJSON(w, f.Status, response{Message: message})
	case f.Truncate:
		writeTruncated(w, r, handle)
	default:
		handle(w, r)
	}
}

// defaultFaultMessage is what coderd itself says for the statuses tests usually inject.
func defaultFaultMessage(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return msgRateLimited
	case http.StatusInternalServerError:
		return msgInternal
	case http.StatusUnauthorized:
		return msgSignedOut
	case http.StatusForbidden:
		return msgForbidden
	case http.StatusNotFound:
		return msgNotFound
	}
	if text := http.StatusText(status); text != "" {
		return text + "."
	}
	return fmt.Sprintf("Unexpected status %d.", status)
}

// dropConnection closes the socket without a byte of response. Without a hijackable
// connection (e.g. httptest.ResponseRecorder) it aborts the handler, which net/http turns
// into a dropped connection as well.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// writeProxyErrorPage imitates a reverse proxy in front of coderd, so it deliberately lacks
// the X-Coder-Build-Version header and the JSON content type.
func writeProxyErrorPage(w http.ResponseWriter, f Fault) {
	status := f.Status
	if status == 0 {
		status = http.StatusBadGateway
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	title := fmt.Sprintf("%d %s", status, http.StatusText(status))
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", title, title)
}

// bufferedResponse captures a handler's answer so it can be replayed partially.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// writeTruncated runs the real handler (its side effects happen), then announces the full
// Content-Length but sends only the first half of the body and closes the connection.
func writeTruncated(w http.ResponseWriter, r *http.Request, handle http.HandlerFunc) {
	captured := &bufferedResponse{header: http.Header{}}
	handle(captured, r)
	if captured.status == 0 {
		captured.status = http.StatusOK
	}
	full := captured.body.Bytes()
	half := full[:len(full)/2]
	captured.header.Set("Content-Length", strconv.Itoa(len(full)))

	conn, rw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		for name, values := range captured.header {
			w.Header()[name] = values
		}
		w.WriteHeader(captured.status)
		_, _ = w.Write(half)
		return
	}
	defer conn.Close()
	writeRawResponse(rw.Writer, captured, half)
}

func writeRawResponse(out *bufio.Writer, captured *bufferedResponse, body []byte) {
	_, _ = fmt.Fprintf(out, "HTTP/1.1 %d %s\r\n", captured.status, http.StatusText(captured.status))
	captured.header.Set("Connection", "close")
	_ = captured.header.Write(out)
	_, _ = out.WriteString("\r\n")
	_, _ = out.Write(body)
	_ = out.Flush()
}
