package workflow

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scopedtokens/coder/internal/scopes"
)

// UnofferedScopesError: the server's catalog lacks requested scope names.
type UnofferedScopesError struct {
	Names []string
}

func (e *UnofferedScopesError) Error() string {
	quoted := make([]string, len(e.Names))
	for i, n := range e.Names {
		quoted[i] = fmt.Sprintf("%q", n)
	}
	return "this server does not offer " + strings.Join(quoted, ", ")
}

// LifetimeError: the requested lifetime is longer than the target user may have.
type LifetimeError struct {
	Requested, Max time.Duration
	// Known is set when the target user could be read; Owner then says
	// which of the server's two caps applies.
	Known    bool
	Username string
	Owner    bool
}

func (e *LifetimeError) Error() string {
	return fmt.Sprintf("lifetime %s is longer than the %s allowed", e.Requested, e.Max)
}

// PostError: the create request failed. Whether a token exists is unknown
// only when the server failed (5xx, timeout).
type PostError struct {
	Err error
}

func (e *PostError) Error() string { return "cannot create the token: " + e.Err.Error() }
func (e *PostError) Unwrap() error { return e.Err }

// RevokedError: the token could do more than asked, so it was revoked and
// its key withheld.
type RevokedError struct {
	ServerVersion string
	ID            string
	Widened       []string // what the server did not apply, one phrase each
}

func (e *RevokedError) Error() string {
	return fmt.Sprintf("the server (%s) ignored the requested %s; the token it created (ID %s) had more access than asked for and was revoked",
		e.ServerVersion, strings.Join(e.Widened, "; "), e.ID)
}

// RevokeFailedError: the token could do more than asked and revoking it
// failed; it still exists and must be removed by hand.
type RevokeFailedError struct {
	ServerVersion string
	ID            string
	Widened       []string
	Err           error
}

func (e *RevokeFailedError) Error() string {
	return fmt.Sprintf("the server (%s) ignored the requested %s, and revoking the unrestricted token %s failed: %v; revoke it now with 'coder tokens rm --delete %s'",
		e.ServerVersion, strings.Join(e.Widened, "; "), e.ID, e.Err, e.ID)
}

func (e *RevokeFailedError) Unwrap() error { return e.Err }

// CatalogError: scope names or allow-list types that neither the bundled
// snapshot nor the catalog used (Source) knows. Scopes and Allow join one
// error per bad value.
type CatalogError struct {
	Scopes, Allow error
	Source        scopes.Source
	Note          string // why the snapshot was used, if it was
}

func (e *CatalogError) Error() string { return errors.Join(e.Scopes, e.Allow).Error() }

// UnverifiedError: --require-verified, and the server denied some of what
// the token is for (Denied) or could not be asked (Err). The token was
// revoked unless RevokeErr says otherwise.
type UnverifiedError struct {
	ID        string
	Denied    []CheckResult
	Err       error
	RevokeErr error
}

func (e *UnverifiedError) Error() string {
	var why string
	if e.Err != nil {
		why = fmt.Sprintf("the token could not be verified (%v)", e.Err)
	} else {
		why = fmt.Sprintf("the server denied %d of the checks the token is for", len(e.Denied))
	}
	if e.RevokeErr != nil {
		return fmt.Sprintf("%s, and revoking it failed: %v; revoke it now with 'coder tokens rm --delete %s'", why, e.RevokeErr, e.ID)
	}
	return fmt.Sprintf("%s; --require-verified: the token (ID %s) was revoked and its key withheld", why, e.ID)
}

// Unwrap gives the revoke failure, which decides what happens next; the
// verification failure is in the message.
func (e *UnverifiedError) Unwrap() error { return e.RevokeErr }
