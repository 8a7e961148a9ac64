package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// What a failed create tells the user about whether the token exists: a
// promise of "not created" only when the request provably never left. (An
// interrupt exits 130 in Main; the hint is what matters here.)
func TestCreateFailureSaysWhetherTheTokenMayExist(t *testing.T) {
	post := func(err error) error {
		return &workflow.PostError{Err: &sdk.TransportError{Method: "POST", URL: "https://coder.test/api/v2/users/me/keys/tokens", Err: err}}
	}
	tests := []struct {
		name     string
		err      error
		wantCode int
		wantHint string
	}{
		{"refused", post(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}),
			exitServer, "the token was not created"},
		{"unknown host", post(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "coder.test"}}),
			exitServer, "the token was not created"},
		{"reset after sending", post(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}),
			exitServer, "may have created the token anyway; check with 'coder tokens view ci'"},
		{"interrupted", post(fmt.Errorf("read: %w", context.Canceled)),
			exitServer, "the request had been sent, so the token may exist"},
		{"no key", &workflow.PostError{Err: &sdk.NoKeyError{StatusCode: 201, Method: "POST", URL: "u"}},
			exitServer, "the token may exist without its key ever reaching you"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := explainCreateError(tt.err, workflow.Plan{Name: "ci"}, nil)
			if got := exitCode(err); got != tt.wantCode {
				t.Errorf("exit code %d, want %d", got, tt.wantCode)
			}
			var out strings.Builder
			renderError(&out, err, "")
			if !strings.Contains(out.String(), tt.wantHint) {
				t.Errorf("rendered:\n%s\nwant a hint containing %q", out.String(), tt.wantHint)
			}
		})
	}
}

// Local file errors exit 1, never 6: a syscall.Errno satisfies net.Error, so
// classifying by that interface alone blamed the network for a full disk.
func TestLocalFileErrorsAreNotNetworkErrors(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int
	}{
		{"permission denied", &os.PathError{Op: "open", Path: "/etc/key", Err: syscall.EACCES}, exitUnexpected},
		{"read-only file system", &os.PathError{Op: "open", Path: "/ro/key", Err: syscall.EROFS}, exitUnexpected},
		{"disk full", &keyFileError{Path: "/dev/full", ID: "x", Err: &os.PathError{Op: "write", Path: "/dev/full", Err: syscall.ENOSPC}}, exitUnexpected},
		{"is a directory", fmt.Errorf("read config: %w", &os.PathError{Op: "read", Path: "/d", Err: syscall.EISDIR}), exitUnexpected},
		{"link", &os.LinkError{Op: "link", Old: "a", New: "b", Err: syscall.EXDEV}, exitUnexpected},
		{"bare errno", syscall.ENOSPC, exitUnexpected},
		{"refused connection", &sdk.TransportError{Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, exitServer},
		{"reset, outside the SDK", &net.OpError{Op: "read", Err: syscall.ECONNRESET}, exitServer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCode(tt.err); got != tt.want {
				t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
			}
		})
	}
}
