package workflow

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Rotation replaces a token by a successor with the same owner, scopes and
// allow list, in an order that never leaves its holder without a valid
// token: mint the successor, verify it, and only then retire the old one.
// Nothing can be edited in place (coderd has no PATCH for tokens), so a
// successor is a new token with a new name and key.

// successorSuffix is the rotation counter at the end of a name: "-r2", "-r3"…
var successorSuffix = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*)-r([1-9][0-9]{0,8})$`) })

// SuccessorName is the name the successor of a token named name gets on the
// attempt-th try (0 first): the counter after "-r" goes up by one, and a
// name without one is rotation 1, so "ci" → "ci-r2" → "ci-r3". A later try
// skips a name already taken, e.g. by an expired successor, which keeps its
// name: "ci-r2" taken → "ci-r3".
func SuccessorName(name string, attempt int) string {
	base, n := name, 1
	if m := successorSuffix().FindStringSubmatch(name); m != nil {
		base = m[1]
		n, _ = strconv.Atoi(m[2]) // at most 9 digits: always fits
	}
	return fmt.Sprintf("%s-r%d", base, n+1+attempt)
}

// successorAttempts bounds the search for a free successor name.
const successorAttempts = 20

// SuccessorRequest asks for a token like old: the same scopes (the legacy
// scope on servers without scopes) and allow list, named name, living
// lifetime (0: the server's default).
func SuccessorRequest(old sdk.APIKey, name string, lifetime time.Duration) sdk.CreateTokenRequest {
	req := sdk.CreateTokenRequest{
		Lifetime:  lifetime,
		TokenName: name,
		Scopes:    old.Scopes,
		AllowList: old.AllowList,
	}
	if old.Scopes == nil && old.Scope != "" {
		req.Scope = old.Scope // a server without scopes: all or application_connect
	}
	return req
}

// SuccessorError: no verified successor exists; the old token is untouched.
type SuccessorError struct {
	Old sdk.APIKey
	// Revoked is the ID of a half-made successor that was revoked; "" if none was made.
	Revoked string
	// Stray is the ID of a half-made successor that could not be revoked.
	Stray string
	Err   error
}

func (e *SuccessorError) Error() string {
	switch {
	case e.Stray != "":
		return fmt.Sprintf("the old token is unchanged, but the half-made successor %s could not be revoked (remove it with 'coder tokens rm --delete --yes %s'): %v", e.Stray, e.Stray, e.Err)
	case e.Revoked != "":
		return fmt.Sprintf("the old token is unchanged and the half-made successor %s was deleted: %v", e.Revoked, e.Err)
	}
	return fmt.Sprintf("the old token is unchanged: %v", e.Err)
}

func (e *SuccessorError) Unwrap() error { return e.Err }

// MintSuccessor mints and verifies the successor of old. plan gives its
// owner and name; autoName lets a taken name move on to the next one of the
// rule. keyClient builds a client that authenticates with a key, to verify
// that the successor's key works. On any failure the old token is untouched
// and a half-made successor is revoked: it was never handed to anyone, so
// it is deleted, which also frees its name.
func (m *Minter) MintSuccessor(ctx context.Context, old sdk.APIKey, plan Plan, req sdk.CreateTokenRequest, autoName bool, keyClient func(key string) *sdk.Client) (Result, error) {
	var result Result
	var err error
	for attempt := 0; ; attempt++ {
		result, err = m.MintRequest(ctx, plan, req)
		if !autoName || !sdk.IsConflict(err) || attempt == successorAttempts-1 {
			break
		}
		plan.Name = SuccessorName(old.TokenName, attempt+1)
		req.TokenName = plan.Name
	}
	if err != nil {
		// Mint revoked a widened token itself; nothing else exists.
		return Result{}, &SuccessorError{Old: old, Err: err}
	}
	if result.Token.ID == "" {
		return Result{}, m.abandon(ctx, old, plan.Target(), "", errors.New("the server returned a key in an unexpected format, so the successor could not be verified"))
	}
	if len(result.Warnings) > 0 {
		// Mint could not read the successor back. Create would deliver the
		// key anyway; rotation retires a working token only for a verified
		// one, so it tries once more and gives up on the successor if that fails.
		meta, err := m.ReadBack(ctx, plan.Target(), result.Token.ID)
		if err != nil {
			return Result{}, m.abandon(ctx, old, plan.Target(), result.Token.ID,
				fmt.Errorf("the successor could not be verified: reading it back failed: %w", err))
		}
		if widened := Judge(scopes.Snapshot(), req, meta).Widened; len(widened) > 0 {
			return Result{}, m.abandon(ctx, old, plan.Target(), result.Token.ID,
				fmt.Errorf("the server ignored the requested %s", strings.Join(widened, "; ")))
		}
		result.Token, result.Warnings = meta, nil
	}
	if err := VerifyKey(ctx, keyClient(result.Key), result.Token.ID); err != nil {
		return Result{}, m.abandon(ctx, old, plan.Target(), result.Token.ID, err)
	}
	return result, nil
}

// Abandon revokes a successor whose old token could not be retired, so that
// the rotation leaves things as they were.
// user is the {user} the successor was minted for.
func (m *Minter) Abandon(ctx context.Context, old sdk.APIKey, user string, successor Result, cause error) error {
	return m.abandon(ctx, old, user, successor.Token.ID, cause)
}

func (m *Minter) abandon(ctx context.Context, old sdk.APIKey, user, id string, cause error) error {
	if id == "" {
		return &SuccessorError{Old: old, Err: cause}
	}
	if user == "" {
		user = "me"
	}
	if _, err := RevokeToken(ctx, m.Client, user, id, Delete); err != nil {
		if _, err := RevokeToken(ctx, m.Client, user, id, ExpireOnly); err != nil {
			return &SuccessorError{Old: old, Stray: id, Err: cause}
		}
	}
	return &SuccessorError{Old: old, Revoked: id, Err: cause}
}

// VerifyKey asks the server whether key authenticates, with the key
// itself: an authorization check with no checks answers 200 for any valid
// key and 401 for anything else. A server or proxy without that endpoint is
// asked for the token's own record instead, where any answer but 401 (a
// scoped key may not read it) proves that the key was accepted.
func VerifyKey(ctx context.Context, keyClient *sdk.Client, id string) error {
	_, err := keyClient.AuthCheck(ctx, sdk.AuthorizationRequest{Checks: map[string]sdk.AuthorizationCheck{}})
	if isRouteNotFound(err) {
		_, err = keyClient.TokenByID(ctx, "me", id)
		if err != nil && !sdk.IsUnauthorized(err) {
			err = nil
		}
	}
	if err != nil {
		return fmt.Errorf("the successor's key does not work: %w", err)
	}
	return nil
}

func isRouteNotFound(err error) bool {
	var apiErr *sdk.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == 404 && apiErr.Message == "Route not found."
}
