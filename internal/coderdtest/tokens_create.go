package coderdtest

// Creating keys: the token create endpoint in upstream's order of checks, the
// lifetime limits it enforces, and the session-key endpoint /cli-auth uses.

import (
	"fmt"
	"net/http"
	"time"
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

func (s *Server) handleTokenConfig(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, tokenConfigResponse{MaxTokenLifetime: s.maxLifetimeFor(target)})
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
