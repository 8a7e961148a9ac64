package coderdtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"
)

const createRoute = "POST /api/v2/users/{user}/keys/tokens"

// rawCall returns transport and body-read errors instead of failing, for faults that break
// the connection.
func rawCall(s *Server, method, path, token, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Coder-Session-Token", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestStatusFaults(t *testing.T) {
	tests := []struct {
		name           string
		fault          Fault
		wantStatus     int
		wantMessage    string
		wantRetryAfter string
	}{
		{"rate limited", Fault{Route: createRoute, Status: 429, RetryAfter: "1",
			Message: "You've been rate limited for sending more than 512 requests in 1m0s."},
			429, "You've been rate limited for sending more than 512 requests in 1m0s.", "1"},
		{"rate limit default message", Fault{Route: createRoute, Status: 429},
			429, "You've been rate limited for sending more than 512 requests in 1m0s.", ""},
		{"internal default message", Fault{Status: 500}, 500, "An internal server error occurred.", ""},
		{"service unavailable", Fault{Route: createRoute, Status: 503, RetryAfter: "30"}, 503, "Service Unavailable.", "30"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			s.AddFault(tc.fault)
			got := do(t, s, request{method: "POST", path: "/api/v2/users/me/keys/tokens", token: s.Owner.SessionToken, body: `{}`})
			expectResponse(t, got, tc.wantStatus, wantBody{message: tc.wantMessage})
			if ra := got.header.Get("Retry-After"); ra != tc.wantRetryAfter {
				t.Errorf("Retry-After = %q, want %q", ra, tc.wantRetryAfter)
			}
			s.ClearFaults()
			if listed := listTokens(t, s, s.Owner.SessionToken, ""); len(listed) != 0 {
				t.Errorf("faulted create still stored %d tokens", len(listed))
			}
		})
	}
}

func TestFaultTimesRouteAndClear(t *testing.T) {
	s := newTestServer(t, Options{})
	s.AddFault(Fault{Route: createRoute, Times: 2, Status: 500})
	create := func() int {
		return do(t, s, request{method: "POST", path: "/api/v2/users/me/keys/tokens", token: s.Owner.SessionToken, body: `{}`}).status
	}
	buildinfo := func() int { return do(t, s, request{path: "/api/v2/buildinfo"}).status }

	steps := []struct {
		name string
		call func() int
		want int
	}{
		{"other route unaffected", buildinfo, 200},
		{"first faulted", create, 500},
		{"second faulted", create, 500},
		{"fault used up", create, 201},
	}
	for _, step := range steps {
		if got := step.call(); got != step.want {
			t.Fatalf("%s: status %d, want %d", step.name, got, step.want)
		}
	}

	s.AddFault(Fault{Status: 502})
	for _, path := range []string{"/api/v2/buildinfo", "/api/v2/nope"} {
		if got := do(t, s, request{path: path}).status; got != 502 {
			t.Fatalf("route-less fault on %s: status %d, want 502", path, got)
		}
	}
	s.ClearFaults()
	if got := buildinfo(); got != 200 {
		t.Fatalf("after ClearFaults: status %d, want 200", got)
	}
}

func TestHTMLFaultLooksLikeAProxy(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		wantStatus int
	}{
		{"default bad gateway", Fault{HTML: true}, 502},
		{"gateway timeout", Fault{HTML: true, Status: 504}, 504},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			s.AddFault(tc.fault)
			got := do(t, s, request{path: "/api/v2/users/first"})
			if got.status != tc.wantStatus || got.header.Get("Content-Type") != "text/html" {
				t.Fatalf("got %d %q, want %d text/html", got.status, got.header.Get("Content-Type"), tc.wantStatus)
			}
			if title := fmt.Sprintf("<title>%d %s</title>", tc.wantStatus, http.StatusText(tc.wantStatus)); !strings.Contains(string(got.body), title) {
				t.Errorf("page %q does not name the status", got.body)
			}
			if got.header.Get("X-Coder-Build-Version") != "" {
				t.Error("proxy page carries X-Coder-Build-Version; a proxy would not")
			}
		})
	}
}

func TestTruncateRunsHandlerButCutsBody(t *testing.T) {
	s := newTestServer(t, Options{})
	s.AddFault(Fault{Route: createRoute, Truncate: true, Times: 1})
	resp, body, err := rawCall(s, "POST", "/api/v2/users/me/keys/tokens", s.Owner.SessionToken, `{"token_name":"cut"}`)
	if err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("read error = %v, want unexpected EOF", err)
	}
	if resp.StatusCode != http.StatusCreated || resp.ContentLength <= int64(len(body)) || len(body) == 0 {
		t.Fatalf("status %d, Content-Length %d, received %d bytes; want 201 with a cut body",
			resp.StatusCode, resp.ContentLength, len(body))
	}
	if listed := listTokens(t, s, s.Owner.SessionToken, ""); len(listed) != 1 || listed[0].TokenName != "cut" {
		t.Fatalf("the handler should have created the token despite the cut: listed %d", len(listed))
	}
}

func TestDropClosesWithoutAnswer(t *testing.T) {
	s := newTestServer(t, Options{})
	s.AddFault(Fault{Route: "GET /api/v2/buildinfo", Drop: true, Times: 1})
	if _, _, err := rawCall(s, "GET", "/api/v2/buildinfo", "", ""); err == nil {
		t.Fatal("dropped request succeeded")
	}
	requests := s.Requests()
	if len(requests) != 1 || requests[0].Route != "GET /api/v2/buildinfo" {
		t.Fatalf("dropped request not recorded with its route: %+v", requests)
	}
	if got := do(t, s, request{path: "/api/v2/buildinfo"}); got.status != 200 {
		t.Fatalf("after the drop: status %d", got.status)
	}
}

func TestDelayFault(t *testing.T) {
	t.Run("answers after the delay", func(t *testing.T) {
		s := newTestServer(t, Options{})
		s.AddFault(Fault{Route: "GET /api/v2/buildinfo", Delay: 30 * time.Millisecond})
		start := time.Now()
		got := do(t, s, request{path: "/api/v2/buildinfo"})
		if elapsed := time.Since(start); got.status != 200 || elapsed < 30*time.Millisecond {
			t.Fatalf("status %d after %v, want 200 after at least 30ms", got.status, elapsed)
		}
	})
	t.Run("client timeout", func(t *testing.T) {
		s := newTestServer(t, Options{})
		s.AddFault(Fault{Route: "GET /api/v2/buildinfo", Delay: time.Minute})
		client := &http.Client{Timeout: 50 * time.Millisecond}
		if _, err := client.Get(s.URL + "/api/v2/buildinfo"); err == nil {
			t.Fatal("request through a one-minute delay did not time out")
		}
	})
	t.Run("abandoned when the client leaves", func(t *testing.T) {
		s := NewServer(Options{})
		s.AddFault(Fault{Route: createRoute, Delay: time.Minute, Status: 500})
		ctx, cancel := context.WithCancel(context.Background())
		req := httptest.NewRequestWithContext(ctx, "POST", "/api/v2/users/me/keys/tokens", strings.NewReader(`{}`))
		req.Header.Set("Coder-Session-Token", s.Owner.SessionToken)
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() {
			s.ServeHTTP(rec, req)
			close(done)
		}()
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("handler kept waiting after the client went away")
		}
		if rec.Body.Len() != 0 || len(rec.Header()) != 0 {
			t.Fatalf("abandoned request still answered: %d bytes, headers %v", rec.Body.Len(), rec.Header())
		}
	})
}

func TestRequestsAreRecordedWithRoutes(t *testing.T) {
	s := newTestServer(t, Options{})
	s.AddFault(Fault{Route: createRoute, Status: 500, Times: 1})
	do(t, s, request{method: "POST", path: "/api/v2/users/me/keys/tokens?x=1", token: s.Owner.SessionToken, body: `{"token_name":"a"}`})
	do(t, s, request{path: "/api/v2/users/me/keys/tokens/tokenconfig", token: s.Owner.SessionToken})
	do(t, s, request{path: "/api/v2/nope"})

	type summary struct{ Method, Path, RawQuery, Route, Body string }
	var got []summary
	for _, r := range s.Requests() {
		got = append(got, summary{r.Method, r.Path, r.RawQuery, r.Route, string(r.Body)})
	}
	want := []summary{
		{"POST", "/api/v2/users/me/keys/tokens", "x=1", createRoute, `{"token_name":"a"}`},
		{"GET", "/api/v2/users/me/keys/tokens/tokenconfig", "", "GET /api/v2/users/{user}/keys/tokens/tokenconfig", ""},
		{"GET", "/api/v2/nope", "", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("recorded %+v\nwant %+v", got, want)
	}
	if s.Requests()[0].Header.Get("Content-Type") != "application/json" {
		t.Error("recorded request lost its headers")
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Fatalf("after ResetRequests %d remain", n)
	}
}

func TestRoutePatternsAreTheAgreedRoutes(t *testing.T) {
	want := []string{
		"GET /api/v2/buildinfo",
		"GET /api/v2/users/authmethods",
		"GET /api/v2/users/first",
		"POST /api/v2/users/login",
		"POST /api/v2/users/logout",
		"GET /api/v2/users",
		"GET /api/v2/users/{user}",
		"GET /api/v2/auth/scopes",
		"POST /api/v2/users/{user}/keys",
		"POST /api/v2/users/{user}/keys/tokens",
		"GET /api/v2/users/{user}/keys/tokens",
		"GET /api/v2/users/{user}/keys/tokens/tokenconfig",
		"GET /api/v2/users/{user}/keys/tokens/{keyname}",
		"GET /api/v2/users/{user}/keys/{keyid}",
		"DELETE /api/v2/users/{user}/keys/{keyid}",
		"PUT /api/v2/users/{user}/keys/{keyid}/expire",
		"GET /api/v2/organizations/{organization}",
		"GET /api/v2/organizations/{organization}/templates/{templatename}",
		"GET /api/v2/organizations/{organization}/templates/{templatename}/versions/{templateversionname}",
		"GET /api/v2/templateversions/{templateversion}",
		"GET /api/v2/organizations/{organization}/groups/{groupname}",
		"GET /api/v2/users/{user}/workspace/{workspacename}",
		"GET /api/v2/workspaces",
		"GET /api/v2/workspaces/{workspace}",
		"POST /api/v2/authcheck",
	}
	if got := RoutePatterns(); !reflect.DeepEqual(got, want) {
		t.Fatalf("RoutePatterns() = %v\nwant %v", got, want)
	}
}
