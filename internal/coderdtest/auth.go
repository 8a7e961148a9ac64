package coderdtest

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Which generation has which feature; one place so handlers read as the contract does.
func (g Generation) hasScopes() bool            { return g != PreScopes }
func (g Generation) hasExpire() bool            { return g == Current || g == PreAliasFix }
func (g Generation) canonicalisesAliases() bool { return g == Current }
func (g Generation) acceptsBearer() bool        { return g != PreScopes }
func (g Generation) unknownUserIs404() bool     { return g != PreScopes }

// principal is the authenticated caller of a request.
type principal struct {
	keyID string
	user  userRecord
}

type routeHandler func(s *Server, w http.ResponseWriter, r *http.Request, caller *principal)

type routeSpec struct {
	pattern     string
	public      bool                    // answers without a session
	availableIn func(g Generation) bool // nil = every generation
	handler     routeHandler
}

var routeTable = []routeSpec{
	{pattern: "GET /api/v2/buildinfo", public: true, handler: (*Server).handleBuildInfo},
	{pattern: "GET /api/v2/users/authmethods", public: true, handler: (*Server).handleAuthMethods},
	{pattern: "GET /api/v2/users/first", public: true, handler: (*Server).handleFirstUser},
	{pattern: "POST /api/v2/users/login", public: true, handler: (*Server).handleLogin},
	{pattern: "POST /api/v2/users/logout", handler: (*Server).handleLogout},
	{pattern: "GET /api/v2/users", handler: (*Server).handleListUsers},
	{pattern: "GET /api/v2/users/{user}", handler: (*Server).handleGetUser},
	{pattern: "GET /api/v2/auth/scopes", public: true, availableIn: Generation.hasScopes, handler: (*Server).handleScopeCatalog},
	{pattern: "POST /api/v2/users/{user}/keys", handler: (*Server).handlePostSessionKey},
	{pattern: "POST /api/v2/users/{user}/keys/tokens", handler: (*Server).handlePostToken},
	{pattern: "GET /api/v2/users/{user}/keys/tokens", handler: (*Server).handleListTokens},
	{pattern: "GET /api/v2/users/{user}/keys/tokens/tokenconfig", handler: (*Server).handleTokenConfig},
	{pattern: "GET /api/v2/users/{user}/keys/tokens/{keyname}", handler: (*Server).handleTokenByName},
	{pattern: "GET /api/v2/users/{user}/keys/{keyid}", handler: (*Server).handleKeyByID},
	{pattern: "DELETE /api/v2/users/{user}/keys/{keyid}", handler: (*Server).handleDeleteKey},
	{pattern: "PUT /api/v2/users/{user}/keys/{keyid}/expire", availableIn: Generation.hasExpire, handler: (*Server).handleExpireKey},
	{pattern: "GET /api/v2/organizations/{organization}", handler: (*Server).handleGetOrganization},
	{pattern: "GET /api/v2/organizations/{organization}/templates/{templatename}", handler: (*Server).handleTemplateByName},
	{pattern: "GET /api/v2/organizations/{organization}/templates/{templatename}/versions/{templateversionname}", handler: (*Server).handleTemplateVersionByName},
	{pattern: "GET /api/v2/templateversions/{templateversion}", handler: (*Server).handleTemplateVersion},
	{pattern: "GET /api/v2/organizations/{organization}/groups/{groupname}", handler: (*Server).handleGroupByName},
	{pattern: "GET /api/v2/users/{user}/workspace/{workspacename}", handler: (*Server).handleWorkspaceByOwnerAndName},
	{pattern: "GET /api/v2/workspaces", handler: (*Server).handleListWorkspaces},
	{pattern: "GET /api/v2/workspaces/{workspace}", handler: (*Server).handleWorkspaceByID},
	{pattern: "POST /api/v2/authcheck", handler: (*Server).handleAuthCheck},
}

func (s *Server) withAuth(rt routeSpec) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if rt.public {
			rt.handler(s, w, r, nil)
			return
		}
		caller, authErr := s.authenticate(r)
		if authErr != nil {
			writeError(w, authErr)
			return
		}
		rt.handler(s, w, r, caller)
	}
}

const (
	keyIDLength     = 10
	keySecretLength = 22
	keyCharset      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)

// generateKeyParts returns a fresh key ID and secret, as apikey.Generate does.
func generateKeyParts() (id, secret string) {
	return randomString(keyIDLength), randomString(keySecretLength)
}

// randomString draws unbiased characters from keyCharset using crypto/rand: bytes at or
// above the largest multiple of 62 are rejected rather than folded.
func randomString(n int) string {
	const limit = 256 - 256%len(keyCharset)
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for len(out) < n {
		_, _ = rand.Read(buf) // crypto/rand.Read never fails on supported platforms
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, keyCharset[int(b)%len(keyCharset)])
			}
		}
	}
	return string(out)
}

func hashSecret(secret string) [32]byte {
	return sha256.Sum256([]byte(secret))
}

// tokenFromRequest follows APITokenFromRequest: the first non-empty source wins.
func (s *Server) tokenFromRequest(r *http.Request) string {
	if c, err := r.Cookie(sessionCookieName); err == nil && c.Value != "" {
		return c.Value
	}
	query := r.URL.Query()
	if v := query.Get(sessionCookieName); v != "" {
		return v
	}
	if v := r.Header.Get("Coder-Session-Token"); v != "" {
		return v
	}
	if !s.gen.acceptsBearer() {
		return ""
	}
	const bearer = "bearer "
	if h := r.Header.Get("Authorization"); len(h) > len(bearer) && strings.EqualFold(h[:len(bearer)], bearer) {
		if v := strings.TrimSpace(h[len(bearer):]); v != "" {
			return v
		}
	}
	return query.Get("access_token")
}

// splitAPIToken checks the key format before any lookup, with upstream's error texts.
func splitAPIToken(token string) (id, secret string, err error) {
	parts := strings.Split(token, "-")
	if len(parts) != 2 {
		return "", "", fmt.Errorf("incorrect amount of API key parts, expected 2 got %d", len(parts))
	}
	if len(parts[0]) != keyIDLength {
		return "", "", fmt.Errorf("invalid API key ID length, expected %d got %d", keyIDLength, len(parts[0]))
	}
	if len(parts[1]) != keySecretLength {
		return "", "", fmt.Errorf("invalid API key secret length, expected %d got %d", keySecretLength, len(parts[1]))
	}
	return parts[0], parts[1], nil
}

func signedOut(detail string) *apiError {
	return newAPIError(http.StatusUnauthorized, msgSignedOut, detail)
}

// isExpired treats a key whose expiry equals the clock as expired, so a key expired "now"
// is unusable even under a frozen test clock.
func isExpired(expiresAt, now time.Time) bool {
	return !now.Before(expiresAt)
}

// authenticate is the API-key middleware: it validates the key and refreshes last_used at
// most once an hour.
func (s *Server) authenticate(r *http.Request) (*principal, *apiError) {
	token := s.tokenFromRequest(r)
	if token == "" {
		return nil, signedOut(`Cookie "coder_session_token" or query parameter must be provided.`)
	}
	id, secret, err := splitAPIToken(token)
	if err != nil {
		return nil, signedOut("Invalid API key format: " + err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.keys[id]
	if !ok {
		return nil, signedOut("API key is invalid.")
	}
	presented := hashSecret(secret)
	if subtle.ConstantTimeCompare(presented[:], key.hashedSecret[:]) != 1 {
		return nil, signedOut("API key secret is invalid.")
	}
	now := s.now()
	if isExpired(key.expiresAt, now) {
		return nil, signedOut(fmt.Sprintf("API key expired at %q.", key.expiresAt.String()))
	}
	user := s.userByIDLocked(key.userID)
	if user == nil {
		return nil, signedOut("API key is invalid.")
	}
	if now.Sub(key.lastUsed) > time.Hour {
		key.lastUsed = now
	}
	if now.Sub(user.lastSeenAt) > time.Hour {
		user.lastSeenAt = now
	}
	return &principal{keyID: key.id, user: *user}, nil
}

// resolveUserParam is ExtractUserParam: "me", a UUID or a username. A user the caller may
// not read is indistinguishable from a missing one.
func (s *Server) resolveUserParam(r *http.Request, caller *principal) (userRecord, *apiError) {
	input := r.PathValue("user")
	if input == "" {
		return userRecord{}, newAPIError(http.StatusBadRequest, `"user" must be provided.`, "")
	}
	if input == "me" {
		return caller.user, nil
	}
	s.mu.Lock()
	var found *userRecord
	if id, err := uuid.Parse(input); err == nil {
		found = s.userByIDLocked(id)
	} else {
		found = s.userByUsernameLocked(input)
	}
	var target userRecord
	if found != nil {
		target = *found
	}
	s.mu.Unlock()
	if found == nil || !(caller.user.Owner || found.ID == caller.user.ID) {
		if s.gen.unknownUserIs404() {
			return userRecord{}, newAPIError(http.StatusNotFound, msgNotFound, "")
		}
		return userRecord{}, newAPIError(http.StatusBadRequest,
			`"user" must be an existing uuid or username.`, fmt.Sprintf("queried user=%q", input))
	}
	return target, nil
}
