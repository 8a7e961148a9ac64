package workflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/scopedtokens/coder/sdk"
)

// RevokeHow says how a token is taken out of service.
type RevokeHow int

const (
	// ExpireOrDelete expires the token and, on a server without the expire
	// endpoint (before v2.31), deletes it: for tokens nobody else holds, such
	// as the one `exec` handed to its command.
	ExpireOrDelete RevokeHow = iota
	// ExpireOnly expires the token and fails where the server cannot: a
	// token people may still look up must not vanish from the audit trail
	// unasked.
	ExpireOnly
	// Delete deletes the token permanently (--delete).
	Delete
)

// Revoked is what happened to a revoked token.
type Revoked struct {
	ID      string
	Deleted bool // deleted rather than expired
	// NoExpire is set when the server has no expire endpoint, which is why
	// an ExpireOrDelete token was deleted.
	NoExpire bool
}

// RevokeError is a token that is still valid although it should not be.
type RevokeError struct {
	ID  string
	How RevokeHow
	// Unsupported is set when ExpireOnly met a server that cannot expire.
	Unsupported bool
	Err         error
}

func (e *RevokeError) Error() string {
	if e.Unsupported {
		return fmt.Sprintf("token %s could not be expired: the server has no expire endpoint (it predates v2.31)", e.ID)
	}
	verb := "expired"
	if e.How == Delete {
		verb = "deleted"
	}
	return fmt.Sprintf("token %s could not be %s: %v", e.ID, verb, e.Err)
}

func (e *RevokeError) Unwrap() error { return e.Err }

// revokeTimeout bounds revocation when the caller's context is already
// cancelled: a token must still be revoked after Ctrl-C, but not hang.
const revokeTimeout = 30 * time.Second

// RevokeToken takes token id of user out of service. It keeps going when ctx
// has been cancelled (an interrupted `exec` still revokes), bounded by its
// own timeout.
func RevokeToken(ctx context.Context, client *sdk.Client, user, id string, how RevokeHow) (Revoked, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), revokeTimeout)
	defer cancel()
	if how == Delete {
		if err := client.DeleteToken(ctx, user, id); err != nil {
			return Revoked{}, &RevokeError{ID: id, How: how, Err: err}
		}
		return Revoked{ID: id, Deleted: true}, nil
	}
	err := client.ExpireToken(ctx, user, id)
	switch {
	case err == nil:
		return Revoked{ID: id}, nil
	case !ExpireUnsupported(err):
		return Revoked{}, &RevokeError{ID: id, How: how, Err: err}
	case how == ExpireOnly:
		return Revoked{}, &RevokeError{ID: id, How: how, Unsupported: true, Err: err}
	}
	if err := client.DeleteToken(ctx, user, id); err != nil {
		return Revoked{}, &RevokeError{ID: id, How: Delete, Err: err}
	}
	return Revoked{ID: id, Deleted: true, NoExpire: true}, nil
}

// ExpireUnsupported recognises a server without PUT …/expire: the route is
// unknown to it (404 "Route not found.") or the method is not allowed.
func ExpireUnsupported(err error) bool {
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		return false
	}
	return apiErr.StatusCode == http.StatusMethodNotAllowed ||
		(apiErr.StatusCode == http.StatusNotFound && apiErr.Message == "Route not found.")
}

// probeKeyID cannot be the ID of a real key (those are 10 alphanumerics),
// so expiring it can never take a token out of service.
const probeKeyID = "expire-probe"

// CanExpire asks whether the server has the expire endpoint, without
// touching any real token: it expires a key ID that cannot exist. A server
// with the endpoint answers 404 "not found"; one without it, "Route not
// found." or 405. Rotation uses it to refuse before minting anything.
func CanExpire(ctx context.Context, client *sdk.Client, user string) (bool, error) {
	err := client.ExpireToken(ctx, user, probeKeyID)
	switch {
	case err == nil, sdk.IsNotFound(err) && !ExpireUnsupported(err):
		return true, nil
	case ExpireUnsupported(err):
		return false, nil
	}
	return false, fmt.Errorf("cannot tell whether the server can expire tokens: %w", err)
}
