package coderdtest

import (
	"crypto/subtle"
	"net/http"
	"net/mail"
	"strings"
)

// baseURL is the advertised access URL; a server used only as an http.Handler has none, so
// it falls back to the Host the client used.
func (s *Server) baseURL(r *http.Request) string {
	if s.URL != "" {
		return s.URL
	}
	return "http://" + r.Host
}

func (s *Server) handleBuildInfo(w http.ResponseWriter, r *http.Request, _ *principal) {
	writeJSON(w, http.StatusOK, buildInfoJSON{
		ExternalURL:           "https://github.com/coder/coder/releases/tag/" + s.version,
		Version:               s.version,
		DashboardURL:          s.baseURL(r),
		AgentAPIVersion:       "1.0",
		ProvisionerAPIVersion: "1.0",
		DeploymentID:          s.deploymentID.String(),
	})
}

func (s *Server) handleAuthMethods(w http.ResponseWriter, _ *http.Request, _ *principal) {
	var methods authMethodsJSON
	methods.Password.Enabled = true
	writeJSON(w, http.StatusOK, methods)
}

// handleFirstUser: the seeded owner always exists, so this is the "already created" answer.
func (s *Server) handleFirstUser(w http.ResponseWriter, _ *http.Request, _ *principal) {
	writeJSON(w, http.StatusOK, response{Message: "The initial user has already been created!"})
}

func (s *Server) handleScopeCatalog(w http.ResponseWriter, _ *http.Request, _ *principal) {
	writeJSON(w, http.StatusOK, struct {
		External []string `json:"external"`
	}{External: s.publicScopes})
}

func requiredTagFailure(field, value string) validationError {
	return validationError{Field: field, Detail: `Validation failed for tag "required" with value: "` + value + `"`}
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, _ *principal) {
	type LoginWithPasswordRequest struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	var body LoginWithPasswordRequest
	if !decodeJSON(w, r, &body) {
		return
	}
	var failures []validationError
	switch {
	case body.Email == "":
		failures = append(failures, requiredTagFailure("email", body.Email))
	case !isEmail(body.Email):
		failures = append(failures, validationError{Field: "email",
			Detail: `Validation failed for tag "email" with value: "` + body.Email + `"`})
	}
	if body.Password == "" {
		failures = append(failures, requiredTagFailure("password", body.Password))
	}
	if len(failures) > 0 {
		writeJSON(w, http.StatusBadRequest, response{Message: msgValidationFailed, Validations: failures})
		return
	}

	s.mu.Lock()
	var user *userRecord
	for _, u := range s.users {
		if !u.system && strings.EqualFold(u.Email, body.Email) {
			user = u
		}
	}
	if user == nil || subtle.ConstantTimeCompare([]byte(user.Password), []byte(body.Password)) != 1 {
		s.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, response{Message: "Incorrect email or password."})
		return
	}
	key := s.insertKeyLocked(keyRecord{
		userID:    user.ID,
		scopes:    []string{scopeAll},
		allowList: []string{allowAll},
		loginType: loginTypePassword,
	}, loginSessionLife)
	s.mu.Unlock()

	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookieName,
		Value:    key,
		Path:     "/",
		MaxAge:   365 * 24 * 60 * 60,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	})
	writeJSON(w, http.StatusCreated, struct {
		SessionToken string `json:"session_token"`
	}{SessionToken: key})
}

// isEmail approximates the validator's "email" tag: a bare address, nothing around it.
func isEmail(s string) bool {
	addr, err := mail.ParseAddress(s)
	return err == nil && addr.Address == s
}

func (s *Server) handleLogout(w http.ResponseWriter, _ *http.Request, caller *principal) {
	s.mu.Lock()
	s.deleteKeyLocked(caller.keyID)
	s.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: sessionCookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	writeJSON(w, http.StatusOK, response{Message: "Logged out!"})
}

func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request, caller *principal) {
	target, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, s.userJSON(target))
}

func (s *Server) userJSON(u userRecord) userJSON {
	s.mu.Lock()
	orgIDs := s.orgIDsOfLocked(u.ID)
	s.mu.Unlock()
	roles := []slimRoleJSON{}
	if u.Owner {
		roles = append(roles, slimRoleJSON{Name: "owner", DisplayName: "Owner", OrganizationID: ""})
	}
	out := userJSON{
		ID:              u.ID,
		Username:        u.Username,
		Email:           u.Email,
		CreatedAt:       u.createdAt,
		UpdatedAt:       u.createdAt,
		LastSeenAt:      u.lastSeenAt,
		Status:          "active",
		LoginType:       loginTypePassword,
		OrganizationIDs: orgIDs,
		Roles:           roles,
	}
	if s.gen.hasScopes() {
		no := false
		out.IsServiceAccount, out.HasAISeat = &no, &no
	}
	return out
}
