// Package workflow is what `tokens create` (and later `rotate` and `exec`)
// do with the server, free of flags, prompts and rendering: it learns the
// facts a request must be checked against, mints the token, reads it back,
// judges whether the server applied what was asked, and revokes a token that
// can do more than requested. It returns results and typed errors; the CLI
// decides what to print and which exit code they mean.
package workflow

import (
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
}

// deferred reports whether the plan needs the live catalog before the POST.
func (p Plan) deferred() bool { return len(p.UnknownScopes) > 0 || len(p.UnknownTypes) > 0 }

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
	return sdk.CreateTokenRequest{
		Lifetime:  requested,
		TokenName: p.Name,
		Scopes:    scopes.ScopeNames(p.Scopes),
		AllowList: ToWire(scopes.NormalizeAllowList(p.Allow)),
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
