package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestRunRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"all interfaces", []string{"-addr", ":0"}, `refusing to listen on non-loopback address ":0"`},
		{"wildcard ip", []string{"-addr", "0.0.0.0:0"}, `refusing to listen on non-loopback address "0.0.0.0:0"`},
		{"remote host", []string{"-addr", "example.com:80"}, `refusing to listen on non-loopback address "example.com:80"`},
		{"no port", []string{"-addr", "127.0.0.1"}, `invalid -addr "127.0.0.1"`},
		{"unknown generation", []string{"-generation", "v2"}, `unknown generation "v2"`},
		{"unknown flag", []string{"-nope"}, "flag provided but not defined: -nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("run error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestRunAnnouncesAndServesUntilCancelled(t *testing.T) {
	for _, tc := range []struct{ generation, wantVersion string }{
		{"current", "v2.38.0"},
		{"pre-scopes", "v2.26.0"},
	} {
		t.Run(tc.generation, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			stdoutReader, stdoutWriter := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-generation", tc.generation}, stdoutWriter, io.Discard)
				_ = stdoutWriter.Close()
			}()

			lines := bufio.NewScanner(stdoutReader)
			announced := map[string]string{}
			for lines.Scan() {
				key, value, _ := strings.Cut(lines.Text(), "=")
				if key == "workspace" {
					key += "=" + strings.Fields(value)[0]
				}
				announced[key] = value
				if key == "group" {
					break // the last line
				}
			}
			baseURL, token := announced["url"], announced["owner_session_token"]
			if !strings.HasPrefix(baseURL, "http://127.0.0.1:") || len(token) != 33 {
				t.Fatalf("announced url %q and a token of length %d; want a loopback URL and a 33-char token", baseURL, len(token))
			}

			req, _ := http.NewRequest("GET", baseURL+"/api/v2/users/me", nil)
			req.Header.Set("Coder-Session-Token", token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatalf("whoami against fakecoderd: %v", err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Coder-Build-Version") != tc.wantVersion {
				t.Fatalf("whoami: %d version %q, want 200 %q", resp.StatusCode, resp.Header.Get("X-Coder-Build-Version"), tc.wantVersion)
			}

			// The announced workspace is the one its name finds.
			ws := announced["workspace=admin/dev"]
			if !strings.HasPrefix(ws, "admin/dev id=") || announced["organization"] == "" || announced["template"] == "" {
				t.Fatalf("announced objects %q", announced)
			}
			req, _ = http.NewRequest("GET", baseURL+"/api/v2/users/admin/workspace/dev", nil)
			req.Header.Set("Coder-Session-Token", token)
			resp, err = http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if id := strings.TrimPrefix(ws, "admin/dev id="); !strings.Contains(string(body), `"id":"`+id+`"`) {
				t.Fatalf("workspace admin/dev is %s, announced %s", body, id)
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("run after cancel: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("run did not return after cancellation")
			}
			if lines.Scan() {
				t.Fatalf("unexpected extra stdout line %q", lines.Text())
			}
		})
	}
}
