package coderdtest

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// inheritWithinCaller is upstream's apikey.InheritWithinCaller (scopes.md §4.4), on with
// Options.ScopedParent: a token minted by a scoped key gets the caller's scopes and
// allow list when the request omits them, may not ask for more than the caller has,
// and expires no later than the caller.
func (s *Server) inheritWithinCaller(caller *principal, req tokenRequest, scopes, allowList []string, lifetime time.Duration) ([]string, []string, time.Duration, *apiError) {
	s.mu.Lock()
	parent := s.keys[caller.keyID]
	var parentScopes, parentAllow []string
	var parentExpiry time.Time
	if parent != nil {
		parentScopes, parentAllow, parentExpiry = parent.scopes, parent.allowList, parent.expiresAt
	}
	now := s.now()
	s.mu.Unlock()
	if parent == nil || (scopesCover(parentScopes, scopeAll) && slices.Equal(parentAllow, []string{allowAll})) {
		return scopes, allowList, lifetime, nil
	}
	exceeds := func(detail string) *apiError {
		return newAPIError(http.StatusBadRequest, msgCreateFailed, "exceeds the creating API key: "+detail)
	}
	if len(req.scopes) == 0 && req.scope == "" {
		scopes = append([]string(nil), parentScopes...)
	} else {
		for _, name := range scopes {
			if !scopesCover(parentScopes, name) {
				return nil, nil, 0, exceeds(fmt.Sprintf("scope %q is not among its scopes (%s)", name, strings.Join(parentScopes, ", ")))
			}
		}
	}
	if len(req.allowList) == 0 {
		allowList = append([]string(nil), parentAllow...)
	} else {
		for _, entry := range allowList {
			if !allowListCovers(parentAllow, entry) {
				return nil, nil, 0, exceeds(fmt.Sprintf("allow list entry %q is not covered by its allow list (%s)", entry, strings.Join(parentAllow, ", ")))
			}
		}
	}
	if remaining := parentExpiry.Sub(now); lifetime > remaining {
		lifetime = remaining
	}
	return scopes, allowList, lifetime, nil
}

// scopesCover reports whether every permission of name is granted by one of have.
func scopesCover(have []string, name string) bool {
	perms := expandScope(canonicalScope(name))
	for _, want := range perms {
		res, act, _ := strings.Cut(want, ":")
		if !grantsWildcard(have, res, act) {
			return false
		}
	}
	return len(perms) > 0
}

// grantsWildcard reports whether have holds a permission at least as wide as res:act
// where either may be "*".
func grantsWildcard(have []string, res, act string) bool {
	for _, name := range have {
		for _, perm := range expandScope(canonicalScope(name)) {
			r, a, _ := strings.Cut(perm, ":")
			if (r == "*" || r == res) && (a == "*" || a == act) {
				return true
			}
		}
	}
	return false
}

// allowListCovers reports whether the stored list have admits every object entry does.
func allowListCovers(have []string, entry string) bool {
	typ, id, _ := strings.Cut(entry, ":")
	for _, h := range have {
		hTyp, hID, _ := strings.Cut(h, ":")
		if (hTyp == "*" || hTyp == typ) && (hID == "*" || strings.EqualFold(hID, id)) {
			return true
		}
	}
	return false
}
