package workflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Verdict is what reading a token back showed about the restrictions asked for.
type Verdict struct {
	// Widened lists restrictions the server did not apply, one phrase each,
	// e.g. "scopes (asked for workspace:read, got coder:all)". A token with
	// any can do more than asked and is revoked.
	Widened []string
	// Narrowed lists, one sentence each, where the token can do less than
	// asked or expires earlier: what a server does for a token minted by a
	// scoped key (upstream's InheritWithinCaller). The key is delivered.
	Narrowed []string
}

// Judge compares what was requested with what the token got, permission by
// permission: only a token that can do more than asked is widened. Older
// servers ignore `scopes` and `allow_list` and leave them out of the token
// entirely; what such a token can do is its legacy `scope` on every object.
func Judge(c *scopes.Catalog, req sdk.CreateTokenRequest, got sdk.APIKey) Verdict {
	var v Verdict
	if len(req.Scopes) > 0 {
		have, note := effectiveScopes(got)
		switch detail := fmt.Sprintf("(asked for %s, got %s%s)", strings.Join(req.Scopes, ","), strings.Join(have, ","), note); {
		case sameSet(req.Scopes, have):
		case scopesWiden(c, req.Scopes, have):
			v.Widened = append(v.Widened, "scopes "+detail)
		default:
			v.Narrowed = append(v.Narrowed, "the token got narrower scopes than asked "+detail)
		}
	}
	if len(req.AllowList) > 0 {
		want := wireStrings(req.AllowList)
		have, note := effectiveAllowList(got)
		switch detail := fmt.Sprintf("(asked for %s, got %s%s)", strings.Join(want, ","), strings.Join(have, ","), note); {
		case sameSet(want, have):
		case allowListWidens(req.AllowList, got.AllowList):
			v.Widened = append(v.Widened, "allow list "+detail)
		default:
			v.Narrowed = append(v.Narrowed, "the token got a narrower allow list than asked "+detail)
		}
	}
	if req.Lifetime > 0 && !got.CreatedAt.IsZero() && got.ExpiresAt.Sub(got.CreatedAt) < req.Lifetime-time.Second {
		v.Narrowed = append(v.Narrowed, fmt.Sprintf("the token expires at %s, after %s instead of the %s asked for",
			got.ExpiresAt.UTC().Format(time.RFC3339), lifetime.Format(got.ExpiresAt.Sub(got.CreatedAt).Truncate(time.Second)), lifetime.Format(req.Lifetime)))
	}
	return v
}

// scopesWiden reports whether the scopes got grant a permission the
// requested ones do not. A name whose permissions are unknown (a composite
// only a newer server has) widens unless it was requested.
func scopesWiden(c *scopes.Catalog, requested, got []string) bool {
	var asked []scopes.Permission
	for _, name := range requested {
		asked = append(asked, c.Expand(name)...)
	}
	for _, name := range got {
		if slices.Contains(requested, name) {
			continue
		}
		perms := c.Expand(name)
		if len(perms) == 0 {
			return true
		}
		for _, p := range perms {
			if !coversPermission(asked, p) {
				return true
			}
		}
	}
	return false
}

func coversPermission(grants []scopes.Permission, p scopes.Permission) bool {
	for _, g := range grants {
		if g.Resource == "*" && g.Action == "*" {
			return true
		}
		if g.Resource == p.Resource && (g.Action == "*" || g.Action == p.Action) {
			return true
		}
	}
	return false
}

// allowListWidens reports whether got admits an object the requested list
// does not. An absent list (a server without allow lists) admits everything.
func allowListWidens(requested, got []sdk.AllowListTarget) bool {
	if got == nil {
		got = []sdk.AllowListTarget{{Type: "*", ID: "*"}}
	}
	for _, g := range got {
		if !slices.ContainsFunc(requested, func(r sdk.AllowListTarget) bool { return admits(r, g) }) {
			return true
		}
	}
	return false
}

// admits reports whether entry r admits every object entry g does.
func admits(r, g sdk.AllowListTarget) bool {
	typeOK := r.Type == "*" || r.Type == g.Type
	idOK := r.ID == "*" || r.ID == g.ID
	return typeOK && idOK
}

const unsupportedField = "; the server does not support the field"

func effectiveScopes(got sdk.APIKey) ([]string, string) {
	if got.Scopes != nil {
		return got.Scopes, ""
	}
	if got.Scope == "application_connect" {
		return []string{"coder:application_connect"}, unsupportedField
	}
	return []string{"coder:all"}, unsupportedField
}

func effectiveAllowList(got sdk.APIKey) ([]string, string) {
	if got.AllowList != nil {
		return wireStrings(got.AllowList), ""
	}
	return []string{"*:*"}, unsupportedField
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}
