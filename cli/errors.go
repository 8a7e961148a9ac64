package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// Exit codes are part of the interface scripts rely on; README and
// `coder --help` document them.
const (
	exitOK         = 0
	exitUnexpected = 1
	exitUsage      = 2 // bad flags, arguments or values, caught before any request
	exitAuth       = 3 // 401 or 403: the credentials are missing, rejected or lack permission
	exitNotFound   = 4
	exitConflict   = 5
	exitServer     = 6 // 5xx, 429 after retries, timeouts, refused or dropped connections
	exitDenied     = 7 // the server was asked what a key may do, and the answer was no
)

const exitCodesHelp = `Exit codes:
  0  success
  1  unexpected error
  2  usage error: bad flag, argument or value (nothing was sent to the server)
  3  authentication or permission failure (HTTP 401/403)
  4  not found (HTTP 404)
  5  conflict, e.g. a token name already in use (HTTP 409)
  6  server or network failure (HTTP 5xx, rate limit, timeout, refused connection)
  7  checked, and the answer was no ('tokens check': a check was denied)`

// usageError marks bad input. It is caught before any network call and exits 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// asUsage marks err as a usage error unless it is nil.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err: err}
}

// hintedError carries a suggestion printed after the error itself.
type hintedError struct {
	err  error
	hint string
}

func (e *hintedError) Error() string { return e.err.Error() }
func (e *hintedError) Unwrap() error { return e.err }

func withHint(err error, hint string) error {
	if err == nil || hint == "" {
		return err
	}
	return &hintedError{err: err, hint: hint}
}

// codedError overrides the exit code its cause would map to, for the few
// cases where the HTTP status misleads (a scoped token reading its own user
// gets 404, but the fix is a permission, not a name).
type codedError struct {
	err  error
	code int
}

func (e *codedError) Error() string { return e.err.Error() }
func (e *codedError) Unwrap() error { return e.err }

func withExitCode(err error, code int) error {
	if err == nil {
		return nil
	}
	return &codedError{err: err, code: code}
}

// silentError has already been reported to the user; only its exit code is left.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps an error to the documented exit code.
func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var silent *silentError
	if errors.As(err, &silent) {
		return silent.code
	}
	var coded *codedError
	if errors.As(err, &coded) {
		return coded.code
	}
	var usage *usageError
	if errors.As(err, &usage) {
		return exitUsage
	}
	var nameErr *workflow.NameError
	if errors.As(err, &nameErr) && nameErr.Unresolved() {
		return exitNotFound // also an older server's 400 for an unknown user
	}
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) {
		switch code := apiErr.StatusCode; {
		case code == 401 || code == 403:
			return exitAuth
		case code == 404:
			return exitNotFound
		case code == 409:
			return exitConflict
		case code == 429 || code >= 500 || code < 400:
			// Below 400 means a 2xx whose body could not be read: the server misbehaved.
			return exitServer
		}
		return exitUnexpected
	}
	var notLoggedIn *notLoggedInError
	if errors.As(err, &notLoggedIn) {
		return exitAuth
	}
	if errors.Is(err, sdk.ErrNoKey) {
		return exitServer // the server misbehaved, and the token may exist
	}
	var transport *sdk.TransportError
	if errors.As(err, &transport) || errors.Is(err, context.DeadlineExceeded) {
		return exitServer
	}
	// A local file error (permission denied, read-only file system, disk
	// full, is a directory) is not the network's fault, although the
	// syscall.Errno inside it satisfies net.Error.
	var pathErr *fs.PathError
	var linkErr *os.LinkError
	if errors.As(err, &pathErr) || errors.As(err, &linkErr) {
		return exitUnexpected
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		if _, isErrno := netErr.(syscall.Errno); !isErrno {
			return exitServer
		}
	}
	return exitUnexpected
}

// renderError prints err for a person: the server's message, its detail and
// validations on their own lines, then any hint. No chain of internal
// "doing X: doing Y:" prefixes in front of the server's words. Every part may
// carry the server's text, so all of it is escaped for the terminal; only
// newlines survive, and they are indented so they cannot forge a line of ours.
func renderError(w io.Writer, err error, hint string) {
	var apiErr *sdk.Error
	var nameErr *workflow.NameError
	if errors.As(err, &nameErr) {
		// Each unresolved entry on its own line, naming the entry and the lookup; the
		// server's words are already folded in.
		fmt.Fprintf(w, "error: %s\n", indentContinuation(safetext.EscapeLines(err.Error())))
	} else if failures := severalFailures(err); failures != nil {
		// Several things failed (a multi-target rm): every one is reported,
		// each with the CLI's words and the server's.
		head := strings.TrimSuffix(strings.TrimSpace(strings.TrimSuffix(err.Error(), errors.Join(failures...).Error())), ":")
		if head == "" {
			head, failures = errorSentence(failures[0]), failures[1:]
		}
		fmt.Fprintf(w, "error: %s\n", indentContinuation(safetext.EscapeLines(head)))
		for _, failure := range failures {
			fmt.Fprintf(w, "  %s\n", indentContinuation(indentContinuation(safetext.EscapeLines(errorSentence(failure)))))
		}
	} else if errors.As(err, &apiErr) {
		msg := errorSentence(err)
		fmt.Fprintf(w, "error: %s\n", indentContinuation(safetext.EscapeLines(msg)))
		if apiErr.Detail != "" {
			fmt.Fprintf(w, "  %s\n", indentContinuation(safetext.EscapeLines(readableDetail(apiErr.Detail))))
		}
		for _, v := range apiErr.Validations {
			fmt.Fprintf(w, "  %s: %s\n", safetext.Escape(v.Field), safetext.Escape(v.Detail))
		}
	} else {
		fmt.Fprintf(w, "error: %s\n", indentContinuation(safetext.EscapeLines(err.Error())))
	}
	var hinted *hintedError
	if errors.As(err, &hinted) && hint == "" {
		hint = hinted.hint
	}
	if hint != "" {
		fmt.Fprintf(w, "hint: %s\n", indentContinuation(safetext.EscapeLines(hint)))
	}
}

// errorSentence is err as one sentence for a person: the CLI's own words
// before and after an SDK error are kept, and the SDK error itself shrinks to
// the server's message (no "POST https://…: unexpected status code 409:").
func errorSentence(err error) string {
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	full, inner := err.Error(), apiErr.Error()
	if !strings.Contains(full, inner) {
		return apiErr.Message
	}
	return strings.Replace(full, inner, apiErr.Message, 1)
}

// severalFailures returns the errors joined (errors.Join) inside err when
// there is more than one, nil otherwise. fmt.Errorf with several %w also
// unwraps to a list, but reads as one sentence and is rendered as one.
func severalFailures(err error) []error {
	var joined interface {
		error
		Unwrap() []error
	}
	if !errors.As(err, &joined) {
		return nil
	}
	failures := joined.Unwrap()
	if len(failures) < 2 || joined.Error() != errors.Join(failures...).Error() {
		return nil
	}
	return failures
}

// readableDetail replaces a proxy's HTML error page with its title: the
// markup says nothing a person needs, and -v shows the whole page.
func readableDetail(detail string) string {
	trimmed := strings.TrimSpace(detail)
	if !strings.HasPrefix(trimmed, "<") || !strings.Contains(strings.ToLower(trimmed), "<html") {
		return detail
	}
	lower := strings.ToLower(trimmed)
	start := strings.Index(lower, "<title>")
	end := strings.Index(lower, "</title>")
	if start < 0 || end < start {
		return "an HTML page (-v shows it)"
	}
	return fmt.Sprintf("an HTML page titled %q (-v shows it)", strings.TrimSpace(trimmed[start+len("<title>"):end]))
}

func indentContinuation(s string) string {
	return strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n  ")
}

// routeNotFound is coderd's answer for a path it does not serve: an older
// server or a wrong deployment URL, not a missing object or permission.
const routeNotFound = "Route not found."

func isRouteNotFound(err error) bool {
	var apiErr *sdk.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound && apiErr.Message == routeNotFound
}

// notLoggedInError is returned when no deployment URL is known.
type notLoggedInError struct{}

func (*notLoggedInError) Error() string {
	return "you are not logged in: no deployment URL is set"
}

// neverSent reports a request that failed before a byte of it could reach the
// server: the connection was refused, or the host or proxy could not be found
// or dialled. Only then can a caller promise that nothing happened.
func neverSent(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// missingField reports a success answer without a field the command shows:
// the server misbehaved (exit 6), and a blank row or "0s" would mislead.
func missingField(what, field string) error {
	return withHint(withExitCode(fmt.Errorf("the server's answer for %s has no %q; nothing to show", what, field), exitServer),
		"-v shows the server's answer")
}
