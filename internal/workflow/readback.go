package workflow

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scopedtokens/coder/sdk"
)

// Verdict is what reading a token back showed about the restrictions asked for.
type Verdict struct {
	// Widened lists restrictions the server did not apply, one phrase each,
	// e.g. "scopes (asked for workspace:read, got coder:all)". A token with
	// any is revoked.
	Widened []string
}

// Judge compares what was requested with what the token got. Older servers
// ignore `scopes` and `allow_list` and leave them out of the token
// entirely; what such a token can do is its legacy `scope` on every object.
func Judge(req sdk.CreateTokenRequest, got sdk.APIKey) Verdict {
	var v Verdict
	if len(req.Scopes) > 0 {
		have, note := effectiveScopes(got)
		if !sameSet(req.Scopes, have) {
			v.Widened = append(v.Widened, fmt.Sprintf("scopes (asked for %s, got %s%s)", strings.Join(req.Scopes, ","), strings.Join(have, ","), note))
		}
	}
	if len(req.AllowList) > 0 {
		want := wireStrings(req.AllowList)
		have, note := effectiveAllowList(got)
		if !sameSet(want, have) {
			v.Widened = append(v.Widened, fmt.Sprintf("allow list (asked for %s, got %s%s)", strings.Join(want, ","), strings.Join(have, ","), note))
		}
	}
	return v
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
