package cli

import (
	"bytes"
	"net/url"
	"testing"
)

func TestParseDeploymentURLBareHosts(t *testing.T) {
	tests := []struct{ in, want string }{
		{"localhost", "http://localhost"},
		{"localhost:3000", "http://localhost:3000"},
		{"127.0.0.1:8080/coder", "http://127.0.0.1:8080/coder"},
		{"[::1]:3000", "http://[::1]:3000"},
		{"[::1]", "http://[::1]"},
		{"LOCALHOST:1", "http://LOCALHOST:1"},
		// Names that merely start like loopback are somebody else's host.
		{"localhost.example.com", "https://localhost.example.com"},
		{"localhostevil.com:3000", "https://localhostevil.com:3000"},
		{"127.0.0.1.nip.io", "https://127.0.0.1.nip.io"},
		{"coder.example.com", "https://coder.example.com"},
		{"http://coder.internal", "http://coder.internal"},
	}
	for _, tt := range tests {
		u, err := parseDeploymentURL(tt.in)
		if err != nil || u.String() != tt.want {
			t.Errorf("parseDeploymentURL(%q) = %v, %v; want %s", tt.in, u, err, tt.want)
		}
	}
}

func TestPlaintextWarning(t *testing.T) {
	tests := []struct {
		url      string
		wantWarn bool
	}{
		{"http://coder.internal:8080", true},
		{"http://10.0.0.5", true},
		{"http://localhost:3000", false},
		{"http://127.0.0.2", false},
		{"http://[::1]:80", false},
		{"https://coder.example.com", false},
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		f := &Factory{IO: &IOStreams{ErrOut: &stderr}}
		u, _ := url.Parse(tt.url)
		warnPlaintext(f, u, "a-token")
		warnPlaintext(f, u, "a-token")
		got := stderr.String()
		if tt.wantWarn != (got != "") {
			t.Errorf("%s: warning %q, want one: %v", tt.url, got, tt.wantWarn)
		}
		if tt.wantWarn && bytes.Count(stderr.Bytes(), []byte("\n")) != 1 {
			t.Errorf("%s: warned more than once: %q", tt.url, got)
		}
	}
}
