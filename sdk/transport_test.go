package sdk

// Transport-level behaviour against small httptest handlers: request shape, retry
// gating, Retry-After, timeouts, cancellation and error decoding over real HTTP.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testToken has the real token shape; it is not a live credential.
const testToken = "AbCdEfGhIj-0123456789abcdefghijkl"

type seenRequest struct {
	Method, EscapedPath, RawQuery string
	Header                        http.Header
	Body                          []byte
	At                            time.Time
}

// testServer records every request and lets each test script its answers.
type testServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []seenRequest
}

// newTestServer serves handle; n is the 1-based number of the request.
func newTestServer(t testing.TB, handle func(w http.ResponseWriter, r *http.Request, n int)) *testServer {
	t.Helper()
	ts := &testServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		ts.mu.Lock()
		ts.seen = append(ts.seen, seenRequest{Method: r.Method, EscapedPath: r.URL.EscapedPath(), RawQuery: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body, At: time.Now()})
		n := len(ts.seen)
		ts.mu.Unlock()
		handle(w, r, n)
	}))
	t.Cleanup(ts.Close)
	return ts
}

func (ts *testServer) requests() []seenRequest {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return append([]seenRequest(nil), ts.seen...)
}

// newTestClient returns a client with tiny retry waits for rawURL.
func newTestClient(t testing.TB, rawURL string, mutate ...func(*Config)) *Client {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{URL: u, SessionToken: testToken, UserAgent: "coder-tokens/test (sdk)",
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond, Timeout: 5 * time.Second}
	for _, m := range mutate {
		m(&cfg)
	}
	return New(cfg)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// truncateBody promises 100 bytes, sends a few and closes the connection.
func truncateBody(w http.ResponseWriter) {
	conn, buf, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"vers")
	_ = buf.Flush()
	_ = conn.Close()
}

// dropConnection closes the connection without answering.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

const keyJSON = `{"id":"WuoWs4ZsMX","user_id":"a169451c-8525-4352-b8ca-070dd449a1a5","last_used":"1970-01-01T00:00:00Z",
"expires_at":"2026-03-01T10:00:00Z","created_at":"2026-02-22T10:00:00Z","updated_at":"2026-02-22T10:00:00Z",
"login_type":"token","scope":"all","scopes":["coder:all"],"token_name":"ci","lifetime_seconds":604800,"allow_list":["*:*"]}`

func TestRequestShape(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		call      func(c *Client) error
		status    int
		answer    string
		method    string
		path      string
		query     string
		body      string // exact bytes; "" = no body
		wantCType bool
	}{
		{name: "buildinfo", status: 200, answer: `{"version":"v2.38.0"}`, method: "GET", path: "/api/v2/buildinfo",
			call: func(c *Client) error { _, err := c.BuildInfo(ctx); return err }},
		{name: "user name is escaped", status: 200, answer: `{"username":"x"}`, method: "GET", path: "/api/v2/users/a%20b%2Fc",
			call: func(c *Client) error { _, err := c.User(ctx, "a b/c"); return err }},
		{name: "auth methods", status: 200, answer: `{}`, method: "GET", path: "/api/v2/users/authmethods",
			call: func(c *Client) error { _, err := c.AuthMethods(ctx); return err }},
		{name: "login", status: 201, answer: `{"session_token":"x"}`, method: "POST", path: "/api/v2/users/login",
			body: `{"email":"a@b.c","password":"p<w>&d"}`, wantCType: true,
			call: func(c *Client) error { _, err := c.Login(ctx, "a@b.c", "p<w>&d"); return err }},
		{name: "logout", status: 200, answer: `{"message":"Logged out."}`, method: "POST", path: "/api/v2/users/logout",
			call: func(c *Client) error { return c.Logout(ctx) }},
		{name: "create sends nanoseconds and no HTML escaping", status: 201, answer: `{"key":"x"}`, method: "POST",
			path: "/api/v2/users/me/keys/tokens", body: `{"lifetime":604800000000000,"token_name":"<bot>&co"}`, wantCType: true,
			call: func(c *Client) error {
				_, err := c.CreateToken(ctx, "me", CreateTokenRequest{TokenName: "<bot>&co", Lifetime: 168 * time.Hour})
				return err
			}},
		{name: "create zero request", status: 201, answer: `{"key":"x"}`, method: "POST",
			path: "/api/v2/users/alice/keys/tokens", body: `{"lifetime":0,"token_name":""}`, wantCType: true,
			call: func(c *Client) error { _, err := c.CreateToken(ctx, "alice", CreateTokenRequest{}); return err }},
		{name: "list sends both filters", status: 200, answer: `[]`, method: "GET", path: "/api/v2/users/me/keys/tokens",
			query: "include_all=true&include_expired=false",
			call:  func(c *Client) error { _, err := c.Tokens(ctx, "me", TokensFilter{IncludeAll: true}); return err }},
		{name: "list expired", status: 200, answer: `null`, method: "GET", path: "/api/v2/users/me/keys/tokens",
			query: "include_all=false&include_expired=true",
			call:  func(c *Client) error { _, err := c.Tokens(ctx, "me", TokensFilter{IncludeExpired: true}); return err }},
		{name: "token name is escaped", status: 200, answer: keyJSON, method: "GET",
			path: "/api/v2/users/me/keys/tokens/my%20token%2Fv2%3F%23",
			call: func(c *Client) error { _, err := c.TokenByName(ctx, "me", "my token/v2?#"); return err }},
		{name: "by id", status: 200, answer: keyJSON, method: "GET", path: "/api/v2/users/me/keys/WuoWs4ZsMX",
			call: func(c *Client) error { _, err := c.TokenByID(ctx, "me", "WuoWs4ZsMX"); return err }},
		{name: "delete", status: 204, method: "DELETE", path: "/api/v2/users/me/keys/WuoWs4ZsMX",
			call: func(c *Client) error { return c.DeleteToken(ctx, "me", "WuoWs4ZsMX") }},
		{name: "expire", status: 204, method: "PUT", path: "/api/v2/users/me/keys/WuoWs4ZsMX/expire",
			call: func(c *Client) error { return c.ExpireToken(ctx, "me", "WuoWs4ZsMX") }},
		{name: "tokenconfig", status: 200, answer: `{"max_token_lifetime":604800000000000}`, method: "GET",
			path: "/api/v2/users/me/keys/tokens/tokenconfig",
			call: func(c *Client) error { _, err := c.TokenConfig(ctx, "me"); return err }},
		{name: "scope catalog", status: 200, answer: `{"external":["coder:all"]}`, method: "GET", path: "/api/v2/auth/scopes",
			call: func(c *Client) error { _, err := c.ScopeCatalog(ctx); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tt.answer == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.answer)
			})
			c := newTestClient(t, srv.URL, func(cfg *Config) {
				cfg.Header = http.Header{"X-Extra": {"one", "two"}}
			})
			if err := tt.call(c); err != nil {
				t.Fatalf("call failed: %v", err)
			}
			reqs := srv.requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if got.Method != tt.method || got.EscapedPath != tt.path || got.RawQuery != tt.query {
				t.Errorf("request = %s %s?%s, want %s %s?%s", got.Method, got.EscapedPath, got.RawQuery, tt.method, tt.path, tt.query)
			}
			if string(got.Body) != tt.body {
				t.Errorf("body = %q, want %q", got.Body, tt.body)
			}
			wantCType := ""
			if tt.wantCType {
				wantCType = "application/json"
			}
			if ct := got.Header.Get("Content-Type"); ct != wantCType {
				t.Errorf("Content-Type = %q, want %q", ct, wantCType)
			}
			assertTokenOnlyInHeader(t, got.Header, got.RawQuery)
			if ua := got.Header.Get("User-Agent"); ua != "coder-tokens/test (sdk)" {
				t.Errorf("User-Agent = %q", ua)
			}
			if extra := got.Header.Values("X-Extra"); len(extra) != 2 || extra[0] != "one" || extra[1] != "two" {
				t.Errorf("X-Extra = %q, want both configured values", extra)
			}
		})
	}
}

// assertTokenOnlyInHeader checks the session token travels in Coder-Session-Token and nowhere else.
func assertTokenOnlyInHeader(t *testing.T, header http.Header, rawQuery string) {
	t.Helper()
	if header.Get(SessionTokenHeader) != testToken {
		t.Errorf("%s header missing or wrong (%d bytes)", SessionTokenHeader, len(header.Get(SessionTokenHeader)))
	}
	if strings.Contains(rawQuery, testToken) || strings.Contains(rawQuery, "session_token") || strings.Contains(rawQuery, "access_token") {
		t.Errorf("token or token parameter in the query string")
	}
	for _, name := range []string{"Cookie", "Authorization"} {
		if header.Get(name) != "" {
			t.Errorf("unexpected %s header (%d bytes)", name, len(header.Get(name)))
		}
	}
}

func TestBaseURLWithPathPrefix(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{}`) })
	c := newTestClient(t, srv.URL+"/coder/")
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := srv.requests()[0].EscapedPath; got != "/coder/api/v2/buildinfo" {
		t.Errorf("path = %q", got)
	}
	if got := c.URL().String(); got != srv.URL+"/coder/" {
		t.Errorf("URL() = %q", got)
	}
}

func TestDefaultUserAgentAndNoTokenWhenUnset(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{}`) })
	u, _ := url.Parse(srv.URL)
	if _, err := New(Config{URL: u}).BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := srv.requests()[0].Header
	if got.Get("User-Agent") != "coder-tokens-sdk" {
		t.Errorf("User-Agent = %q", got.Get("User-Agent"))
	}
	if _, ok := got[SessionTokenHeader]; ok {
		t.Errorf("%s sent although no token is configured", SessionTokenHeader)
	}
}

func TestLoginCookieIsNeverSentBack(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/api/v2/users/login" {
			http.SetCookie(w, &http.Cookie{Name: "coder_session_token", Value: "Zz9Yy8Xx7W-abcdefghijklmnopqrstuv", Path: "/"})
			writeJSON(w, 201, `{"session_token":"Zz9Yy8Xx7W-abcdefghijklmnopqrstuv"}`)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, srv.URL)
	if _, err := c.Login(context.Background(), "a@b.c", "pw"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := srv.requests()[1]
	assertTokenOnlyInHeader(t, after.Header, after.RawQuery)
}

func TestRedirectKeepsTokenOnlyOnSameOrigin(t *testing.T) {
	other := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{}`) })
	origin := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/api/v2/buildinfo":
			http.Redirect(w, r, other.URL+"/api/v2/buildinfo", http.StatusFound)
		case "/api/v2/users/authmethods":
			http.Redirect(w, r, "/api/v2/users/authmethods/", http.StatusFound)
		default:
			writeJSON(w, 200, `{}`)
		}
	})
	c := newTestClient(t, origin.URL)
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := other.requests()[0].Header.Get(SessionTokenHeader); got != "" {
		t.Errorf("token (%d bytes) followed a redirect to another host", len(got))
	}
	if _, err := c.AuthMethods(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := origin.requests()[2].Header.Get(SessionTokenHeader); got != testToken {
		t.Errorf("token dropped on a same-origin redirect")
	}
}

// fault is one scripted misbehaviour of the test server.
type fault func(w http.ResponseWriter)

var faults = map[string]fault{
	"429":       func(w http.ResponseWriter) { writeJSON(w, 429, string(fixtureBytes("error_rate_limited.json"))) },
	"502 html":  func(w http.ResponseWriter) { w.Header().Set("Content-Type", "text/html"); w.WriteHeader(502) },
	"503":       func(w http.ResponseWriter) { writeJSON(w, 503, `{"message":"Service unavailable."}`) },
	"504":       func(w http.ResponseWriter) { writeJSON(w, 504, `{"message":"Gateway timeout."}`) },
	"truncated": truncateBody,
	"dropped":   dropConnection,
}

func fixtureBytes(name string) []byte {
	data, err := readFixture(name)
	if err != nil {
		panic(err)
	}
	return data
}

func TestIdempotentCallsAreRetried(t *testing.T) {
	ctx := context.Background()
	calls := map[string]struct {
		answer string
		status int
		call   func(c *Client) error
	}{
		"GET list":   {status: 200, answer: `[]`, call: func(c *Client) error { _, err := c.Tokens(ctx, "me", TokensFilter{}); return err }},
		"GET by id":  {status: 200, answer: keyJSON, call: func(c *Client) error { _, err := c.TokenByID(ctx, "me", "WuoWs4ZsMX"); return err }},
		"DELETE":     {status: 204, call: func(c *Client) error { return c.DeleteToken(ctx, "me", "WuoWs4ZsMX") }},
		"PUT expire": {status: 204, call: func(c *Client) error { return c.ExpireToken(ctx, "me", "WuoWs4ZsMX") }},
	}
	for callName, cl := range calls {
		for faultName, misbehave := range faults {
			t.Run(callName+"/"+faultName, func(t *testing.T) {
				srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
					if n <= 2 {
						misbehave(w)
						return
					}
					if cl.answer == "" {
						w.WriteHeader(cl.status)
						return
					}
					writeJSON(w, cl.status, cl.answer)
				})
				if err := cl.call(newTestClient(t, srv.URL)); err != nil {
					t.Fatalf("call failed after two faults: %v", err)
				}
				if n := len(srv.requests()); n < 3 {
					t.Errorf("server saw %d requests, want at least 3 (two faults, one success)", n)
				}
			})
		}
	}
}

func TestPostIsNeverRetried(t *testing.T) {
	ctx := context.Background()
	calls := map[string]func(c *Client) error{
		"create": func(c *Client) error {
			_, err := c.CreateToken(ctx, "me", CreateTokenRequest{TokenName: "ci"})
			return err
		},
		"login":  func(c *Client) error { _, err := c.Login(ctx, "a@b.c", "pw"); return err },
		"logout": func(c *Client) error { return c.Logout(ctx) },
	}
	for callName, call := range calls {
		for faultName, misbehave := range faults {
			t.Run(callName+"/"+faultName, func(t *testing.T) {
				srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { misbehave(w) })
				err := call(newTestClient(t, srv.URL))
				if err == nil {
					t.Fatal("call succeeded, want the fault reported")
				}
				if n := len(srv.requests()); n != 1 {
					t.Errorf("server saw %d POSTs, want exactly 1", n)
				}
			})
		}
	}
}

func TestCreate502ReportsTheStatus(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { faults["502 html"](w) })
	_, err := newTestClient(t, srv.URL).CreateToken(context.Background(), "me", CreateTokenRequest{})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || apiErr.Message != `unexpected non-JSON response "text/html"` {
		t.Fatalf("err = %v, want *Error 502 for the proxy page", err)
	}
	if apiErr.Method != "POST" || apiErr.URL != srv.URL+"/api/v2/users/me/keys/tokens" {
		t.Errorf("error names %s %s", apiErr.Method, apiErr.URL)
	}
}

func TestTruncatedPostIsATransportError(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { truncateBody(w) })
	_, err := newTestClient(t, srv.URL).CreateToken(context.Background(), "me", CreateTokenRequest{})
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want a TransportError wrapping io.ErrUnexpectedEOF", err)
	}
	if transportErr.Method != "POST" || !strings.HasSuffix(transportErr.URL, "/api/v2/users/me/keys/tokens") {
		t.Errorf("error names %s %s", transportErr.Method, transportErr.URL)
	}
}

func TestRetryLimits(t *testing.T) {
	tests := []struct {
		name         string
		maxRetries   int
		status       int
		wantRequests int
	}{
		{name: "gives up after MaxRetries", maxRetries: 2, status: 503, wantRequests: 3},
		{name: "default is three retries", maxRetries: 0, status: 503, wantRequests: 4},
		{name: "negative disables retries", maxRetries: -1, status: 503, wantRequests: 1},
		{name: "500 is not retried", maxRetries: 3, status: 500, wantRequests: 1},
		{name: "404 is not retried", maxRetries: 3, status: 404, wantRequests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeJSON(w, tt.status, `{"message":"nope"}`)
			})
			c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = tt.maxRetries })
			_, err := c.TokenByName(context.Background(), "me", "ci")
			var apiErr *Error
			if !errors.As(err, &apiErr) || apiErr.StatusCode != tt.status {
				t.Fatalf("err = %v, want *Error %d", err, tt.status)
			}
			if n := len(srv.requests()); n != tt.wantRequests {
				t.Errorf("server saw %d requests, want %d", n, tt.wantRequests)
			}
		})
	}
}

func TestRetryAfterIsHonouredUpToTheCap(t *testing.T) {
	const waitMax = 40 * time.Millisecond
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			w.Header().Set("Retry-After", "30") // far beyond the cap
			writeJSON(w, 429, `{"message":"slow down"}`)
			return
		}
		writeJSON(w, 200, `{"version":"v2.38.0"}`)
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, waitMax })
	start := time.Now()
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("server saw %d requests, want 2", len(reqs))
	}
	// Without Retry-After the first backoff is 1-1.5 ms; with it, the capped 40 ms.
	if gap := reqs[1].At.Sub(reqs[0].At); gap < waitMax {
		t.Errorf("retried after %v, want at least the capped Retry-After %v", gap, waitMax)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("took %v: Retry-After was not capped", elapsed)
	}
}

func TestRateLimitedAfterRetriesIsReported(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Retry-After", "1")
		faults["429"](w)
	})
	_, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.MaxRetries = 1 }).Tokens(context.Background(), "me", TokensFilter{})
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	if !strings.Contains(err.Error(), "You've been rate limited") {
		t.Errorf("error lost the server message: %v", err)
	}
}

func TestTimeoutFires(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
		writeJSON(w, 200, `{}`)
	})
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Timeout = 30 * time.Millisecond })
	start := time.Now()
	_, err := c.BuildInfo(context.Background())
	if !IsTimeout(err) {
		t.Fatalf("err = %v, want a timeout", err)
	}
	var transportErr *TransportError
	if !errors.As(err, &transportErr) {
		t.Errorf("err = %T, want *TransportError", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("timeout took %v", elapsed)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("a timed-out request was repeated: %d requests", n)
	}
}

func TestTimeoutWhileReadingTheBody(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "100")
		w.WriteHeader(200)
		_, _ = io.WriteString(w, `{"vers`)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(3 * time.Second):
		}
	})
	for _, debug := range []bool{false, true} {
		t.Run(fmt.Sprintf("debug=%v", debug), func(t *testing.T) {
			c := newTestClient(t, srv.URL, func(cfg *Config) {
				cfg.Timeout = 30 * time.Millisecond
				if debug {
					cfg.Debug = io.Discard // the debug transport reads bodies itself
				}
			})
			if _, err := c.BuildInfo(context.Background()); !IsTimeout(err) {
				t.Fatalf("err = %v, want a timeout", err)
			}
		})
	}
}

func TestContextCancellation(t *testing.T) {
	release := make(chan struct{})
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	_, err := newTestClient(t, srv.URL).Tokens(ctx, "me", TokensFilter{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("cancellation took %v", elapsed)
	}
}

func TestContextDeadlineCutsTheBackoffWait(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { faults["503"](w) })
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = 10*time.Second, 10*time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.BuildInfo(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !IsTimeout(err) {
		t.Fatalf("err = %v, want the context deadline", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("waited %v despite the deadline", elapsed)
	}
	if n := len(srv.requests()); n != 1 {
		t.Errorf("server saw %d requests, want 1", n)
	}
}

func TestConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	_, err = newTestClient(t, "http://"+addr).BuildInfo(context.Background())
	var transportErr *TransportError
	if !errors.As(err, &transportErr) || !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("err = %v, want a TransportError for a refused connection", err)
	}
	want := "GET http://" + addr + "/api/v2/buildinfo: "
	if !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), addr) != 2 {
		// Once for the request, once in the dial error; url.Error's copy is dropped.
		t.Errorf("error = %q, want it to start with %q and not repeat the URL", err, want)
	}
}

func TestStatusErrorsOverHTTP(t *testing.T) {
	tests := []struct {
		status    int
		file      string
		predicate func(error) bool
	}{
		{401, "error_unauthorized.json", IsUnauthorized},
		{403, "error_forbidden.json", IsForbidden},
		{404, "error_not_found.json", IsNotFound},
		{409, "error_conflict.json", IsConflict},
		{429, "error_rate_limited.json", IsRateLimited},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status), func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				writeJSON(w, tt.status, string(fixture(t, tt.file)))
			})
			_, err := newTestClient(t, srv.URL).CreateToken(context.Background(), "me", CreateTokenRequest{TokenName: "ci"})
			if !tt.predicate(err) {
				t.Fatalf("err = %v, predicate false", err)
			}
			var apiErr *Error
			errors.As(err, &apiErr)
			var want Response
			if e := json.Unmarshal(fixture(t, tt.file), &want); e != nil {
				t.Fatal(e)
			}
			if apiErr.Message != want.Message || apiErr.Detail != want.Detail || len(apiErr.Validations) != len(want.Validations) {
				t.Errorf("error body = %+v, want %+v", apiErr.Response, want)
			}
			if (apiErr.Helper != "") != (tt.status == 401) {
				t.Errorf("Helper = %q for %d", apiErr.Helper, tt.status)
			}
			if strings.Contains(err.Error(), testToken) {
				t.Errorf("error text contains the session token")
			}
		})
	}
}

func TestSuccessStatusPerCall(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		status int
		answer string
		call   func(c *Client) error
		wantOK bool
	}{
		{"create 201", 201, `{"key":"x"}`, func(c *Client) error { _, err := c.CreateToken(ctx, "me", CreateTokenRequest{}); return err }, true},
		{"create 200 like upstream", 200, `{"key":"x"}`, func(c *Client) error { _, err := c.CreateToken(ctx, "me", CreateTokenRequest{}); return err }, true},
		{"create 202", 202, `{"key":"x"}`, func(c *Client) error { _, err := c.CreateToken(ctx, "me", CreateTokenRequest{}); return err }, false},
		{"list 200", 200, `[]`, func(c *Client) error { _, err := c.Tokens(ctx, "me", TokensFilter{}); return err }, true},
		{"list 201", 201, `[]`, func(c *Client) error { _, err := c.Tokens(ctx, "me", TokensFilter{}); return err }, false},
		{"get 204", 204, ``, func(c *Client) error { _, err := c.TokenByName(ctx, "me", "ci"); return err }, false},
		{"delete 204", 204, ``, func(c *Client) error { return c.DeleteToken(ctx, "me", "WuoWs4ZsMX") }, true},
		{"delete 200", 200, `{"message":"ok"}`, func(c *Client) error { return c.DeleteToken(ctx, "me", "WuoWs4ZsMX") }, true},
		{"expire 200", 200, ``, func(c *Client) error { return c.ExpireToken(ctx, "me", "WuoWs4ZsMX") }, true},
		{"expire 202", 202, ``, func(c *Client) error { return c.ExpireToken(ctx, "me", "WuoWs4ZsMX") }, true},
		{"expire on an old server", 404, `{"message":"Route not found."}`, func(c *Client) error { return c.ExpireToken(ctx, "me", "WuoWs4ZsMX") }, false},
		{"login 201", 201, `{"session_token":"x"}`, func(c *Client) error { _, err := c.Login(ctx, "a@b.c", "pw"); return err }, true},
		{"login 200", 200, `{"session_token":"x"}`, func(c *Client) error { _, err := c.Login(ctx, "a@b.c", "pw"); return err }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
				if tt.answer == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.answer)
			})
			err := tt.call(newTestClient(t, srv.URL))
			if (err == nil) != tt.wantOK {
				t.Fatalf("err = %v, want success %v", err, tt.wantOK)
			}
			var apiErr *Error
			if err != nil && (!errors.As(err, &apiErr) || apiErr.StatusCode != tt.status) {
				t.Errorf("err = %v, want *Error with status %d", err, tt.status)
			}
		})
	}
}

func TestListNullIsEmptyNotNil(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 200, string(fixture(t, "tokens_null.json")))
	})
	got, err := newTestClient(t, srv.URL).Tokens(context.Background(), "me", TokensFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || len(got) != 0 {
		t.Errorf("Tokens = %#v, want an empty non-nil slice", got)
	}
}

func TestHTMLInsteadOfJSONOnSuccess(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<html>Please sign in</html>")
	})
	_, err := newTestClient(t, srv.URL).User(context.Background(), "me")
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 || apiErr.Helper != htmlHelper ||
		apiErr.Message != "Received an HTML response instead of JSON from the Coder API." {
		t.Fatalf("err = %#v", err)
	}
}

func TestInvalidCallsSendNothing(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{}`) })
	c := newTestClient(t, srv.URL)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"empty user", func() error { _, err := c.User(ctx, ""); return err }, "user must not be empty"},
		{"empty name", func() error { _, err := c.TokenByName(ctx, "me", ""); return err }, "name must not be empty"},
		{"empty id", func() error { return c.DeleteToken(ctx, "me", "") }, "id must not be empty"},
		{"no URL", func() error { _, err := New(Config{}).BuildInfo(ctx); return err }, "no deployment URL configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("server saw %d requests, want none", n)
	}
}

func TestURLUserinfoIsRedactedInErrors(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		writeJSON(w, 404, `{"message":"Route not found."}`)
	})
	withPassword := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1)
	_, err := newTestClient(t, withPassword).BuildInfo(context.Background())
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("err = %v, want an error without the URL password", err)
	}
}
