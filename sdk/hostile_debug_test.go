package sdk

// -v against servers that echo, concatenate, compress and inflate: the debug log
// and errors keep every secret out, and the body limit holds in every mode.

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"
)

const (
	hostileKey      = "Mn0pQr1sTu-abcdefghijklmnopqrstuv" // key-shaped: 10 + 22
	hostilePassword = "correct horse battery staple"
	proxySecret     = "proxy-credential-0123456789"
)

// echoEverything answers like a broken validation layer: it repeats the request's
// headers and body, then adds a key in fields and headers no redactor knows.
func echoEverything(w http.ResponseWriter, r *http.Request, _ int) {
	body, _ := io.ReadAll(r.Body)
	var headers strings.Builder
	for name, values := range r.Header {
		headers.WriteString(name + ": " + strings.Join(values, ",") + "; ")
	}
	w.Header().Set("X-Debug-Echo", "minted "+hostileKey)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(400)
	msg, _ := jsonString("Invalid request " + string(body) + " headers " + headers.String())
	// Two JSON values in a row, a key under an unknown field name, then plain text.
	_, _ = io.WriteString(w, `{"message":`+msg+`,"credential":"`+hostileKey+`"}`+"\n"+`{"key":"`+hostileKey+`"}`)
}

func jsonString(s string) (string, error) {
	var b bytes.Buffer
	err := writeJSONString(&b, s)
	return b.String(), err
}

func writeJSONString(w io.Writer, s string) error {
	data, err := encodeJSON(s)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

func assertNoSecret(t *testing.T, where, text string) {
	t.Helper()
	_, tokenSecret, _ := SplitToken(testToken)
	_, keySecret, _ := SplitToken(hostileKey)
	for name, secret := range map[string]string{"session token": tokenSecret, "key": keySecret,
		"password": hostilePassword, "proxy header": proxySecret} {
		if strings.Contains(text, secret) {
			t.Errorf("%s shows the %s", where, name)
		}
	}
}

func TestEchoingServerLeaksNothing(t *testing.T) {
	srv := newTestServer(t, echoEverything)
	var log lockedBuffer
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.Debug = &log
		c.Header = http.Header{"X-Proxy-Token": {proxySecret}}
	})
	_, loginErr := c.Login(context.Background(), "admin@coder.test", hostilePassword)
	_, createErr := c.CreateToken(context.Background(), "me", CreateTokenRequest{TokenName: "ci"})
	if loginErr == nil || createErr == nil {
		t.Fatalf("want errors, got %v / %v", loginErr, createErr)
	}
	assertNoSecret(t, "the login error", loginErr.Error())
	assertNoSecret(t, "the create error", createErr.Error())
	assertNoSecret(t, "the -v log", log.String())
	if !strings.Contains(log.String(), "Mn0pQr1sTu-[REDACTED]") {
		t.Errorf("the -v log does not show the redacted key's ID:\n%s", log.String())
	}
}

func gzipped(t *testing.T, body []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(body)
	_ = zw.Close()
	return b.Bytes()
}

// A gzip bomb: a few KiB on the wire, more than the limit once inflated. The limit
// counts decompressed bytes, with -v and without, and whether the transport or
// resty does the decompressing.
func TestBodyLimitCountsDecompressedBytesInEveryMode(t *testing.T) {
	t.Cleanup(runtime.GC) // leave no garbage behind for tests that measure the heap
	inflated := append([]byte(`{"version":"v2.38.0"`), bytes.Repeat([]byte(" "), responseBodyLimit+1024)...)
	inflated = append(inflated, '}')
	bomb := gzipped(t, inflated)
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes compressed; the test wants a small one", len(bomb))
	}
	srv := newTestServer(t, func(w http.ResponseWriter, _ *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(bomb)
	})
	for _, mode := range []struct {
		name   string
		mutate func(*Config)
	}{
		{"quiet", func(*Config) {}},
		{"verbose", func(c *Config) { c.Debug = io.Discard }},
		{"verbose, explicit Accept-Encoding", func(c *Config) {
			c.Debug = io.Discard
			c.Header = http.Header{"Accept-Encoding": {"gzip"}}
		}},
	} {
		t.Run(mode.name, func(t *testing.T) {
			c := newTestClient(t, srv.URL, mode.mutate, func(c *Config) { c.MaxRetries = -1 })
			_, err := c.BuildInfo(context.Background())
			var transport *TransportError
			if !errors.As(err, &transport) {
				t.Fatalf("BuildInfo = %v, want a transport error for the oversized body", err)
			}
		})
	}
}

// Empty-body state changes announce an empty body; chunked encoding confuses
// proxies and some servers reject it outright.
func TestEmptyBodyRequestsSendContentLengthZero(t *testing.T) {
	for _, verbose := range []bool{false, true} {
		srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
			if len(r.TransferEncoding) > 0 || r.ContentLength != 0 || r.Header.Get("Content-Length") != "0" {
				t.Errorf("%s %s: Transfer-Encoding %v, Content-Length %q", r.Method, r.URL.Path, r.TransferEncoding, r.Header.Get("Content-Length"))
			}
			w.WriteHeader(204)
		})
		c := newTestClient(t, srv.URL, func(c *Config) {
			if verbose {
				c.Debug = io.Discard
			}
		})
		if err := c.Logout(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := c.ExpireToken(context.Background(), "me", "WuoWs4ZsMX"); err != nil {
			t.Fatal(err)
		}
	}
}

// A body that never ends: -v stops reading at the limit instead of buffering
// until the timeout (and memory) runs out.
func TestEndlessBodyStopsAtTheLimitWithVerbose(t *testing.T) {
	t.Cleanup(runtime.GC) // leave no garbage behind for tests that measure the heap
	srv := newTestServer(t, func(w http.ResponseWriter, r *http.Request, _ int) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"version":"`)
		chunk := bytes.Repeat([]byte("a"), 64<<10)
		for r.Context().Err() == nil {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	// A read that is not cut at the limit can only end at the timeout, and
	// its error is then a timeout, not the body-limit error: the error alone
	// tells the two apart, with no wall-clock bound to flake on a loaded
	// machine (under -race, 16 MiB through -v took over 10s there).
	c := newTestClient(t, srv.URL, func(c *Config) {
		c.Debug = io.Discard
		c.MaxRetries = -1
		c.Timeout = 2 * time.Minute
	})
	_, err := c.BuildInfo(context.Background())
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("BuildInfo = %v, want the body-limit error", err)
	}
}
