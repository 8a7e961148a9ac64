package sdk

// Answers from hostile or broken servers: a create that "succeeds" without a key,
// redirects of requests that carry credentials or change state.

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestCreateWithoutKeyIsAnError(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter)
	}{
		{"empty object", func(w http.ResponseWriter) { writeJSON(w, 201, `{}`) }},
		{"null key", func(w http.ResponseWriter) { writeJSON(w, 201, `{"key":null}`) }},
		{"blank key", func(w http.ResponseWriter) { writeJSON(w, 201, `{"key":"  "}`) }},
		{"error body with 200", func(w http.ResponseWriter) { writeJSON(w, 200, `{"message":"Internal error creating API key."}`) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { tt.answer(w) })
			_, err := newTestClient(t, srv.URL).CreateToken(context.Background(), "me", CreateTokenRequest{TokenName: "ci"})
			var noKey *NoKeyError
			if !errors.As(err, &noKey) || !errors.Is(err, ErrNoKey) {
				t.Fatalf("CreateToken = %v, want a *NoKeyError", err)
			}
			if !strings.Contains(err.Error(), "sent no key") || noKey.Method != http.MethodPost {
				t.Errorf("error %q does not say the key is missing", err)
			}
		})
	}
}

func TestCreateWithHTMLAnswerIsAnError(t *testing.T) {
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><title>Sign in</title></html>"))
	})
	_, err := newTestClient(t, srv.URL).CreateToken(context.Background(), "me", CreateTokenRequest{})
	var apiErr *Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 200 {
		t.Fatalf("CreateToken = %v, want an *Error for the 200 HTML page", err)
	}
}

// Every state-changing call is sent once and its 3xx comes back as an error;
// nothing reaches the redirect target, whatever the redirect status.
func TestStateChangingRequestsAreNeverRedirected(t *testing.T) {
	calls := map[string]func(c *Client) error{
		"create": func(c *Client) error {
			_, err := c.CreateToken(context.Background(), "me", CreateTokenRequest{TokenName: "ci"})
			return err
		},
		"login": func(c *Client) error {
			_, err := c.Login(context.Background(), "admin@coder.test", "SomeSecurePassword")
			return err
		},
		"logout": func(c *Client) error { return c.Logout(context.Background()) },
		"expire": func(c *Client) error { return c.ExpireToken(context.Background(), "me", "WuoWs4ZsMX") },
		"delete": func(c *Client) error { return c.DeleteToken(context.Background(), "me", "WuoWs4ZsMX") },
	}
	for _, status := range []int{301, 302, 303, 307, 308} {
		for name, call := range calls {
			t.Run(name+"/"+http.StatusText(status), func(t *testing.T) {
				target := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 201, `{"key":"x"}`) })
				origin := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
					http.Redirect(w, r, target.URL+r.URL.Path, status)
				})
				err := call(newTestClient(t, origin.URL, func(c *Config) {
					c.Header = http.Header{"X-Proxy-Auth": {"proxysecret"}}
				}))
				var apiErr *Error
				if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
					t.Fatalf("err = %v, want an *Error with status %d", err, status)
				}
				if !strings.Contains(apiErr.Message, "redirected") || !strings.Contains(apiErr.Message, target.URL) {
					t.Errorf("message %q does not say where the server redirected to", apiErr.Message)
				}
				if n := len(target.requests()); n != 0 {
					t.Errorf("the redirect target got %d requests", n)
				}
				if n := len(origin.requests()); n != 1 {
					t.Errorf("the origin got %d requests, want exactly 1", n)
				}
			})
		}
	}
}

func TestUserHeadersStayOnTheOrigin(t *testing.T) {
	other := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) { writeJSON(w, 200, `{}`) })
	origin := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		if r.URL.Path == "/api/v2/buildinfo" {
			http.Redirect(w, r, other.URL+"/api/v2/buildinfo", http.StatusFound)
			return
		}
		http.Redirect(w, r, "/api/v2/buildinfo-moved", http.StatusFound)
	})
	c := newTestClient(t, origin.URL, func(c *Config) {
		c.Header = http.Header{"X-Proxy-Auth": {"proxysecret"}, "X-Team": {"blue"}}
	})
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := other.requests()[0].Header
	if got.Get("X-Proxy-Auth") != "" || got.Get("X-Team") != "" || got.Get(SessionTokenHeader) != "" {
		t.Errorf("headers followed a redirect to another origin: %v", got)
	}
	// On the same origin they are kept.
	_, _ = c.User(context.Background(), "me")
	same := origin.requests()
	if last := same[len(same)-1].Header; last.Get("X-Proxy-Auth") != "proxysecret" || last.Get(SessionTokenHeader) != testToken {
		t.Errorf("a same-origin redirect dropped the user's headers")
	}
}
