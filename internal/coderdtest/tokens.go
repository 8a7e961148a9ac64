package coderdtest

// Handlers for keys that already exist (list, look up, delete, expire) and the
// APIKey JSON each generation renders.

import (
	"net/http"
	"sort"
	"strconv"
)

func (s *Server) handleListTokens(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	query := r.URL.Query()
	// strconv.ParseBool errors are deliberately ignored: "yes" means false, as upstream.
	includeAll, _ := strconv.ParseBool(query.Get("include_all"))
	includeExpired := true
	if s.gen.hasExpire() { // include_expired arrived with the expire endpoint
		includeExpired, _ = strconv.ParseBool(query.Get("include_expired"))
	}
	now := s.now()

	s.mu.Lock()
	var matched []keyRecord
	usernames := map[string]string{}
	for _, k := range s.keys {
		if k.loginType != loginTypeToken {
			continue
		}
		visible := k.userID == target.ID
		if includeAll {
			visible = caller.user.Owner || k.userID == caller.user.ID
		}
		if !visible || (!includeExpired && isExpired(k.expiresAt, now)) {
			continue
		}
		matched = append(matched, *k)
		if owner := s.userByIDLocked(k.userID); owner != nil {
			usernames[k.id] = owner.Username
		}
	}
	s.mu.Unlock()

	sort.Slice(matched, func(i, j int) bool {
		if !matched[i].createdAt.Equal(matched[j].createdAt) {
			return matched[i].createdAt.Before(matched[j].createdAt)
		}
		return matched[i].id < matched[j].id
	})
	var out []any // stays nil when empty: the real server answers `null`, not `[]`
	for _, k := range matched {
		out = append(out, s.keyWithOwnerJSON(k, usernames[k.id]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleTokenByName(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	name := r.PathValue("keyname")
	s.mu.Lock()
	var found *keyRecord
	for _, k := range s.keys {
		if k.userID == target.ID && k.loginType == loginTypeToken && k.name == name {
			copied := *k
			found = &copied
			break
		}
	}
	s.mu.Unlock()
	if found == nil {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.keyJSON(*found))
}

// keyForCaller finds {keyid} by ID only; {user} must resolve but does not scope the lookup.
// Owners may touch any key, everyone else only their own. f runs under the lock.
func (s *Server) keyForCaller(w http.ResponseWriter, r *http.Request, caller *principal, f func(k *keyRecord)) bool {
	if _, apiErr := s.resolveUserParam(r, caller); apiErr != nil {
		writeError(w, apiErr)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.keys[r.PathValue("keyid")]
	if !ok || !(caller.user.Owner || k.userID == caller.user.ID) {
		writeNotFound(w)
		return false
	}
	f(k)
	return true
}

func (s *Server) handleKeyByID(w http.ResponseWriter, r *http.Request, caller *principal) {
	var found keyRecord
	if s.keyForCaller(w, r, caller, func(k *keyRecord) { found = *k }) {
		writeJSON(w, http.StatusOK, s.keyJSON(found))
	}
}

func (s *Server) handleDeleteKey(w http.ResponseWriter, r *http.Request, caller *principal) {
	if s.keyForCaller(w, r, caller, func(k *keyRecord) { s.deleteKeyLocked(k.id) }) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleExpireKey sets expires_at to now unless the key already expired, which leaves the
// timestamp untouched (idempotent, as upstream tests assert).
func (s *Server) handleExpireKey(w http.ResponseWriter, r *http.Request, caller *principal) {
	now := s.now()
	expire := func(k *keyRecord) {
		if !isExpired(k.expiresAt, now) {
			k.expiresAt = now
		}
	}
	if s.keyForCaller(w, r, caller, expire) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// keyJSON renders codersdk.APIKey in the shape of the server's generation.
func (s *Server) keyJSON(k keyRecord) any {
	if !s.gen.hasScopes() {
		return s.legacyKeyJSON(k)
	}
	return s.currentKeyJSON(k)
}

func (s *Server) keyWithOwnerJSON(k keyRecord, username string) any {
	if !s.gen.hasScopes() {
		return legacyAPIKeyWithOwnerJSON{legacyAPIKeyJSON: s.legacyKeyJSON(k), Username: username}
	}
	return apiKeyWithOwnerJSON{apiKeyJSON: s.currentKeyJSON(k), Username: username}
}

func (s *Server) currentKeyJSON(k keyRecord) apiKeyJSON {
	return apiKeyJSON{
		ID:              k.id,
		UserID:          k.userID,
		LastUsed:        k.lastUsed,
		ExpiresAt:       k.expiresAt,
		CreatedAt:       k.createdAt,
		UpdatedAt:       k.updatedAt,
		LoginType:       k.loginType,
		Scope:           legacyScope(k.scopes),
		Scopes:          append([]string{}, k.scopes...),
		TokenName:       k.name,
		LifetimeSeconds: k.lifetimeSeconds,
		AllowList:       append([]string{}, k.allowList...),
	}
}

func (s *Server) legacyKeyJSON(k keyRecord) legacyAPIKeyJSON {
	return legacyAPIKeyJSON{
		ID:              k.id,
		UserID:          k.userID,
		LastUsed:        k.lastUsed,
		ExpiresAt:       k.expiresAt,
		CreatedAt:       k.createdAt,
		UpdatedAt:       k.updatedAt,
		LoginType:       k.loginType,
		Scope:           legacyScope(k.scopes),
		TokenName:       k.name,
		LifetimeSeconds: k.lifetimeSeconds,
	}
}
