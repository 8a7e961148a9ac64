package coderdtest

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// tokenRequest is the decoded create body, independent of the generation's wire struct.
type tokenRequest struct {
	lifetime  time.Duration
	scope     string
	scopes    []string
	name      string
	allowList []allowListTarget
}

type generateAPIKeyResponse struct {
	Key string `json:"key"`
}

type tokenConfigResponse struct {
	MaxTokenLifetime time.Duration `json:"max_token_lifetime"`
}

// decodeTokenRequest decodes into a struct named CreateTokenRequest, because Go's JSON
// errors (returned verbatim as the 400 detail) name the type. PreScopes servers do not know
// `scopes` or `allow_list`, so those fields are silently ignored there, bad entries included.
func (s *Server) decodeTokenRequest(w http.ResponseWriter, r *http.Request) (tokenRequest, bool) {
	if !s.gen.hasScopes() {
		type CreateTokenRequest struct {
			Lifetime  time.Duration `json:"lifetime"`
			Scope     string        `json:"scope"`
			TokenName string        `json:"token_name"`
		}
		var body CreateTokenRequest
		if !decodeJSON(w, r, &body) {
			return tokenRequest{}, false
		}
		return tokenRequest{lifetime: body.Lifetime, scope: body.Scope, name: body.TokenName}, true
	}
	type CreateTokenRequest struct {
		Lifetime  time.Duration     `json:"lifetime"`
		Scope     string            `json:"scope"`
		Scopes    []string          `json:"scopes"`
		TokenName string            `json:"token_name"`
		AllowList []allowListTarget `json:"allow_list"`
	}
	var body CreateTokenRequest
	if !decodeJSON(w, r, &body) {
		return tokenRequest{}, false
	}
	return tokenRequest{
		lifetime:  body.Lifetime,
		scope:     body.Scope,
		scopes:    body.Scopes,
		name:      body.TokenName,
		allowList: body.AllowList,
	}, true
}

// tokenNameTakenLocked reports whether user already has a token called name (the unique
// index covers login_type token only, expired tokens included).
func (s *Server) tokenNameTakenLocked(user uuid.UUID, name string) bool {
	return s.tokenNames[tokenNameKey{user, name}] > 0
}

// handlePostToken follows postToken's order: decode, system user, scopes, name, allow
// list, lifetime, key generation, insert.
func (s *Server) handlePostToken(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	req, ok := s.decodeTokenRequest(w, r)
	if !ok {
		return
	}
	if target.system {
		writeForbidden(w)
		return
	}
	scopes, apiErr := s.requestedScopes(req)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if len(req.allowList) > maxAllowListSize {
		writeError(w, newAPIError(http.StatusBadRequest, msgCreateFailed,
			fmt.Sprintf("allow_list has %d entries; max allowed is %d", len(req.allowList), maxAllowListSize)))
		return
	}
	allowList := normalizeAllowList(req.allowList)
	lifetime, apiErr := s.tokenLifetime(req.lifetime, target)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if s.scopedParent {
		scopes, allowList, lifetime, apiErr = s.inheritWithinCaller(caller, req, scopes, allowList, lifetime)
		if apiErr != nil {
			writeError(w, apiErr)
			return
		}
	}
	if apiErr := s.keyGenerationError(req, scopes); apiErr != nil {
		writeError(w, apiErr)
		return
	}

	s.mu.Lock()
	name := req.name
	if name == "" {
		// Upstream could collide and answer 409; a test fixture must not flake, so pick an
		// unused name instead.
		name = randomTokenName()
		for s.tokenNameTakenLocked(target.ID, name) {
			name = randomTokenName()
		}
	}
	if s.tokenNameTakenLocked(target.ID, name) {
		s.mu.Unlock()
		writeJSON(w, http.StatusConflict, response{
			Message:     fmt.Sprintf("A token with name %q already exists.", name),
			Validations: []validationError{{Field: "name", Detail: "This value is already in use and should be unique."}},
		})
		return
	}
	key := s.insertKeyLocked(keyRecord{
		userID:    target.ID,
		name:      name,
		scopes:    scopes,
		allowList: allowList,
		loginType: loginTypeToken,
	}, lifetime)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, generateAPIKeyResponse{Key: key})
}

// requestedScopes picks and validates the scopes to store. Before the alias fix, aliases in
// `scopes` pass this check and are only rejected by keyGenerationError.
func (s *Server) requestedScopes(req tokenRequest) ([]string, *apiError) {
	unsupported := func(name string) *apiError {
		return newAPIError(http.StatusBadRequest, msgCreateFailed,
			fmt.Sprintf("invalid or unsupported API key scope: %q", name))
	}
	if !s.gen.hasScopes() {
		// Names outside the legacy enum are only rejected by keyGenerationError.
		if req.scope == "" {
			return []string{scopeAll}, nil
		}
		return []string{canonicalScope(req.scope)}, nil
	}
	if len(req.scopes) > 0 {
		for _, name := range req.scopes {
			if !s.acceptedScopes[name] {
				return nil, unsupported(name)
			}
		}
		if s.gen.canonicalisesAliases() {
			return canonicalScopes(req.scopes), nil
		}
		return append([]string(nil), req.scopes...), nil
	}
	if req.scope != "" {
		if !s.acceptedScopes[req.scope] {
			return nil, unsupported(req.scope)
		}
		return []string{canonicalScope(req.scope)}, nil
	}
	return []string{scopeAll}, nil
}

// keyGenerationError reproduces apikey.Generate rejecting names that are not members of
// the stored scope enum: aliases after the enum rename, anything but the two legacy values
// ("all", "application_connect") before it.
func (s *Server) keyGenerationError(req tokenRequest, scopes []string) *apiError {
	invalid := func(name string) *apiError {
		return newAPIError(http.StatusInternalServerError, msgCreateFailed,
			fmt.Sprintf("generate API key: invalid API key scope: %q", name))
	}
	if !s.gen.hasScopes() {
		if req.scope != "" && !isScopeAlias(req.scope) {
			return invalid(req.scope)
		}
		return nil
	}
	for _, name := range scopes {
		if isScopeAlias(name) {
			return invalid(name)
		}
	}
	return nil
}

// maxLifetimeFor is the cap of the token's owner (the {user}), not of the caller.
func (s *Server) maxLifetimeFor(target userRecord) time.Duration {
	if target.Owner {
		return s.ownerMax
	}
	return s.memberMax
}

// tokenLifetime validates a requested lifetime; 0 means the default and is not validated.
func (s *Server) tokenLifetime(requested time.Duration, target userRecord) (time.Duration, *apiError) {
	if requested == 0 {
		return s.defaultLife, nil
	}
	if requested < 0 {
		return 0, newAPIError(http.StatusBadRequest, msgLifetimeInvalid, "lifetime must be positive number greater than 0")
	}
	if limit := s.maxLifetimeFor(target); requested > limit {
		return 0, newAPIError(http.StatusBadRequest, msgLifetimeInvalid, fmt.Sprintf("lifetime must be less than %s", limit))
	}
	return requested, nil
}

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

func (s *Server) handleTokenConfig(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, tokenConfigResponse{MaxTokenLifetime: s.maxLifetimeFor(target)})
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

// handlePostSessionKey is postAPIKey: a session-style key for /cli-auth, never listed.
func (s *Server) handlePostSessionKey(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	if target.system {
		writeForbidden(w)
		return
	}
	s.mu.Lock()
	key := s.insertKeyLocked(keyRecord{
		userID:    target.ID,
		scopes:    []string{scopeAll},
		allowList: []string{allowAll},
		loginType: loginTypePassword,
	}, s.defaultLife)
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, generateAPIKeyResponse{Key: key})
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
