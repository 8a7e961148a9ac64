package sdk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

func TestRedactJSON(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // "" means not JSON
	}{
		{name: "create response", in: `{"key":"WuoWs4ZsMX-0123456789abcdefABCDEF"}`, want: `{"key":"[REDACTED]"}`},
		{name: "login request keeps order", in: `{"email":"a@b.c", "password":"pw"}`, want: `{"email":"a@b.c","password":"[REDACTED]"}`},
		{name: "login response", in: `{"session_token":"x-y"}`, want: `{"session_token":"[REDACTED]"}`},
		{name: "nested in arrays and objects", in: `[{"a":{"b":[{"Password":"p","n":1.50}]}},{"KEY":{"deep":"x"}}]`,
			want: `[{"a":{"b":[{"Password":"[REDACTED]","n":1.50}]}},{"KEY":"[REDACTED]"}]`},
		{name: "non-secret keys untouched", in: `{"id":"WuoWs4ZsMX","token_name":"key","keys":["a"]}`,
			want: `{"id":"WuoWs4ZsMX","token_name":"key","keys":["a"]}`},
		{name: "escaped key names still match", in: `{"p\u0061ssword":"pw"}`, want: `{"password":"[REDACTED]"}`},
		{name: "scalar", in: `"plain"`, want: `"plain"`},
		{name: "null", in: `null`, want: `null`},
		{name: "HTML", in: `<html>key</html>`},
		{name: "two values", in: `{} {}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := redactJSON([]byte(tt.in))
			if ok != (tt.want != "") {
				t.Fatalf("ok = %v for %s", ok, tt.in)
			}
			if ok && string(got) != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestIsSensitiveHeader(t *testing.T) {
	tests := map[string]bool{
		"Coder-Session-Token": true, "coder-session-token": true, "Authorization": true,
		"Proxy-Authorization": true, "Cookie": true, "Set-Cookie": true, "X-Auth-Token": true,
		"X-Api-Key": true, "Content-Type": false, "User-Agent": false, "X-Coder-Build-Version": false,
		"Www-Authenticate": false, "Retry-After": false,
	}
	for name, want := range tests {
		if got := isSensitiveHeader(name); got != want {
			t.Errorf("isSensitiveHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

// lockedBuffer is a debug sink that the race detector accepts.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestDebugLogNeverShowsSecrets(t *testing.T) {
	const (
		mintedKey    = "Mn0pQr1sTu-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		sessionToken = "Zz9Yy8Xx7W-abcdefghijklmnopqrstuv"
		password     = "correct horse battery staple"
	)
	_, tokenSecret, _ := SplitToken(testToken)
	_, mintedSecret, _ := SplitToken(mintedKey)
	_, sessionSecret, _ := SplitToken(sessionToken)
	secrets := map[string]string{"session token": tokenSecret, "minted key": mintedSecret,
		"login session token": sessionSecret, "password": password}

	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		switch r.URL.Path {
		case "/api/v2/users/me/keys/tokens":
			w.Header().Set("X-Coder-Build-Version", "v2.38.0")
			writeJSON(w, 201, `{"key":"`+mintedKey+`"}`)
		case "/api/v2/users/login":
			http.SetCookie(w, &http.Cookie{Name: "coder_session_token", Value: sessionToken})
			writeJSON(w, 201, `{"session_token":"`+sessionToken+`"}`)
		case "/api/v2/users/me":
			writeJSON(w, 401, string(fixture(t, "error_unauthorized.json")))
		case "/api/v2/users/me/keys/tokens/echo":
			// A misconfigured proxy that reflects the request headers.
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(502)
			_ = r.Header.Write(w)
		default:
			truncateBody(w)
		}
	})
	var log lockedBuffer
	c := newTestClient(t, srv.URL, func(cfg *Config) {
		cfg.Debug = &log
		cfg.MaxRetries = -1
		cfg.Header = http.Header{"X-Auth-Token": {"proxy-" + tokenSecret}}
	})
	ctx := context.Background()

	if _, err := c.CreateToken(ctx, "me", CreateTokenRequest{TokenName: "ci"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(ctx, "admin@coder.test", password); err != nil {
		t.Fatal(err)
	}
	_, errUnauthorized := c.User(ctx, "me")
	_, errEcho := c.TokenByName(ctx, "me", "echo")
	_, errTruncated := c.TokenByID(ctx, "me", "WuoWs4ZsMX")
	if !IsUnauthorized(errUnauthorized) || errEcho == nil || !errors.Is(errTruncated, io.ErrUnexpectedEOF) {
		t.Fatalf("unexpected outcomes: %v / %v / %v", errUnauthorized, errEcho, errTruncated)
	}

	text := log.String()
	for what, secret := range secrets {
		if strings.Contains(text, secret) {
			t.Errorf("debug log (%d bytes) contains the %s", len(text), what)
		}
		for _, err := range []error{errUnauthorized, errEcho, errTruncated} {
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error text contains the %s", what)
			}
		}
	}

	wantLines := []string{
		"--> POST " + srv.URL + "/api/v2/users/me/keys/tokens",
		"Coder-Session-Token: [REDACTED]",
		"X-Auth-Token: [REDACTED]",
		"User-Agent: coder-tokens/test (sdk)",
		"Content-Type: application/json",
		`{"lifetime":0,"token_name":"ci"}`,
		`{"key":"[REDACTED]"}`,
		"X-Coder-Build-Version: v2.38.0",
		`{"email":"admin@coder.test","password":"[REDACTED]"}`,
		`{"session_token":"[REDACTED]"}`,
		"Set-Cookie: [REDACTED]",
		"<-- 401 Unauthorized GET " + srv.URL + "/api/v2/users/me (",
		`"detail":"API key secret is invalid."`,
		"(body read failed after 6 bytes: unexpected EOF)",
	}
	for _, want := range wantLines {
		if !strings.Contains(text, want) {
			t.Errorf("debug log lacks %q", want)
		}
	}
	if got := regexp.MustCompile(`(?m)^<-- 201 Created POST \S+/api/v2/users/me/keys/tokens \([0-9.]+[µm]?s\)$`).FindString(text); got == "" {
		t.Errorf("no response headline with status and duration for create in:\n%s", text)
	}
	if n := strings.Count(text, "\n--> "); n != 4 { // five requests; the first block has no preceding newline
		t.Errorf("found %d request blocks after the first, want 4", n)
	}
}

func TestDebugLogShowsEachAttemptAndCutsLongBodies(t *testing.T) {
	big := `{"message":"` + strings.Repeat("x", 20000) + `"}`
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, n int) {
		if n == 1 {
			writeJSON(w, 503, big)
			return
		}
		writeJSON(w, 200, `{"version":"v2.38.0"}`)
	})
	var log lockedBuffer
	if _, err := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Debug = &log }).BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	text := log.String()
	if n := strings.Count(text, "--> GET "); n != 2 {
		t.Errorf("logged %d attempts, want 2", n)
	}
	if !strings.Contains(text, "<-- 503 Service Unavailable GET") || !strings.Contains(text, "<-- 200 OK GET") {
		t.Errorf("missing response headlines in:\n%.500s", text)
	}
	if !strings.Contains(text, "(20014 bytes in total)") || len(text) > 12000 {
		t.Errorf("long body not cut (log is %d bytes)", len(text))
	}
}

func TestDebugLogReportsTransportFailures(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { dropConnection(w) })
	var log lockedBuffer
	c := newTestClient(t, srv.URL, func(cfg *Config) { cfg.Debug = &log; cfg.MaxRetries = -1 })
	if _, err := c.CreateToken(context.Background(), "me", CreateTokenRequest{}); err == nil {
		t.Fatal("want an error for a dropped connection")
	}
	if !regexp.MustCompile(`<-- POST \S+ failed after \S+: `).MatchString(log.String()) {
		t.Errorf("no failure line in:\n%s", log.String())
	}
}
