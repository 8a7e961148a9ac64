// Package workflow is what `tokens create` (and later `rotate` and `exec`)
// do with the server, free of flags, prompts and rendering: it learns the
// facts a request must be checked against, mints the token, reads it back,
// judges whether the server applied what was asked, and revokes a token that
// can do more than requested. It returns results and typed errors; the CLI
// decides what to print and which exit code they mean.
package workflow

import (
	"slices"
	"time"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Plan is a token request validated locally, before any network call.
type Plan struct {
	User     string              // the {user} the token is for; "me" when empty
	Name     string              // "" lets the server pick a random name
	Lifetime lifetime.Lifetime   // zero: the server's default lifetime
	Scopes   []scopes.Scope      // nil: the server's default (coder:all)
	Allow    []scopes.AllowEntry // validated, not normalised

	// Well-formed scope names and allow-list types the bundled snapshot
	// lacks: a newer server may offer them, so its live catalog decides
	// before anything is posted.
	UnknownScopes []string
	UnknownTypes  []string

	// WithDeps adds what each workspace entry also needs (--with-deps).
	WithDeps bool
	// DefaultLifetime is asked for when no lifetime was given, capped at the
	// target user's maximum rather than refused (the user did not ask for
	// it); 0 leaves the server's default.
	DefaultLifetime time.Duration
}

// Deferred reports whether the plan needs the live catalog before the POST.
func (p Plan) Deferred() bool { return len(p.UnknownScopes) > 0 || len(p.UnknownTypes) > 0 }

// HasNames reports whether an allow-list entry names its object.
func (p Plan) HasNames() bool { return slices.ContainsFunc(p.Allow, scopes.AllowEntry.IsNamed) }

// defaulted reports whether the lifetime comes from DefaultLifetime.
func (p Plan) defaulted() bool { return !p.HasLifetime() && p.DefaultLifetime > 0 }

// HasLifetime reports whether a lifetime was asked for (a duration or max).
func (p Plan) HasLifetime() bool { return p.Lifetime.Max || p.Lifetime.Duration > 0 }

// Target is the {user} path parameter the plan addresses.
func (p Plan) Target() string {
	if p.User == "" {
		return "me"
	}
	return p.User
}

// Request is the body that would be posted for p with the given lifetime
// (0: the server's default). The allow list is normalised as the server
// would store it and carries only canonical lower-case UUIDs.
func (p Plan) Request(requested time.Duration) sdk.CreateTokenRequest {
	return request(p, p.Allow, requested)
}

// request builds the body from entries that carry no names.
func request(p Plan, entries []scopes.AllowEntry, requested time.Duration) sdk.CreateTokenRequest {
	return sdk.CreateTokenRequest{
		Lifetime:  requested,
		TokenName: p.Name,
		Scopes:    scopes.ScopeNames(p.Scopes),
		AllowList: ToWire(scopes.NormalizeAllowList(entries)),
	}
}

// ToWire converts allow-list entries to the SDK's type; nil for none, so
// the field is left out of the request.
func ToWire(entries []scopes.AllowEntry) []sdk.AllowListTarget {
	if len(entries) == 0 {
		return nil
	}
	out := make([]sdk.AllowListTarget, len(entries))
	for i, e := range entries {
		out[i] = sdk.AllowListTarget{Type: e.Type, ID: e.ID}
	}
	return out
}

func wireStrings(targets []sdk.AllowListTarget) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.String()
	}
	return out
}
