package coderdtest

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Messages the real server uses verbatim; clients match on some of them.
const (
	msgNotFound         = "Resource not found or you do not have access to this resource"
	msgRouteNotFound    = "Route not found."
	msgForbidden        = "Forbidden."
	detailForbidden     = "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."
	msgSignedOut        = "You are signed out or your session has expired. Please sign in again to continue."
	msgInvalidJSON      = "Request body must be valid JSON."
	msgValidationFailed = "Validation failed."
	msgCreateFailed     = "Failed to create API key."
	msgLifetimeInvalid  = "Failed to validate create API key request."
	msgInternal         = "An internal server error occurred."
	msgRateLimited      = "You've been rate limited for sending more than 512 requests in 1m0s."
	jsonContentType     = "application/json; charset=utf-8"
)

// response is the wire form of codersdk.Response.
type response struct {
	Message     string            `json:"message"`
	Detail      string            `json:"detail,omitempty"`
	Validations []validationError `json:"validations,omitempty"`
}

type validationError struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
}

// apiError is a failure a handler step hands back to be written as a codersdk.Response.
type apiError struct {
	status int
	body   response
}

func newAPIError(status int, message, detail string) *apiError {
	return &apiError{status: status, body: response{Message: message, Detail: detail}}
}

// writeJSON mirrors httpapi.Write: HTML-escaping encoder, trailing newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", jsonContentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *apiError) {
	writeJSON(w, e.status, e.body)
}

func writeNotFound(w http.ResponseWriter) {
	writeJSON(w, http.StatusNotFound, response{Message: msgNotFound})
}

func writeForbidden(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, response{Message: msgForbidden, Detail: detailForbidden})
}

// decodeJSON mirrors httpapi.Read: lenient decoding, Go's error text as the detail.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		writeJSON(w, http.StatusBadRequest, response{Message: msgInvalidJSON, Detail: err.Error()})
		return false
	}
	return true
}

// apiKeyJSON is codersdk.APIKey as of the newest servers; no field has omitempty.
type apiKeyJSON struct {
	ID              string    `json:"id"`
	UserID          uuid.UUID `json:"user_id"`
	LastUsed        time.Time `json:"last_used"`
	ExpiresAt       time.Time `json:"expires_at"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	LoginType       string    `json:"login_type"`
	Scope           string    `json:"scope"`
	Scopes          []string  `json:"scopes"`
	TokenName       string    `json:"token_name"`
	LifetimeSeconds int64     `json:"lifetime_seconds"`
	AllowList       []string  `json:"allow_list"`
}

type apiKeyWithOwnerJSON struct {
	apiKeyJSON
	Username string `json:"username"`
}

// legacyAPIKeyJSON is codersdk.APIKey before scopes and allow lists existed (PreScopes).
type legacyAPIKeyJSON struct {
	ID              string    `json:"id"`
	UserID          uuid.UUID `json:"user_id"`
	LastUsed        time.Time `json:"last_used"`
	ExpiresAt       time.Time `json:"expires_at"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	LoginType       string    `json:"login_type"`
	Scope           string    `json:"scope"`
	TokenName       string    `json:"token_name"`
	LifetimeSeconds int64     `json:"lifetime_seconds"`
}

type legacyAPIKeyWithOwnerJSON struct {
	legacyAPIKeyJSON
	Username string `json:"username"`
}

type slimRoleJSON struct {
	Name           string `json:"name"`
	DisplayName    string `json:"display_name"`
	OrganizationID string `json:"organization_id"`
}

// userJSON is codersdk.User; newer servers add is_service_account and has_ai_seat.
type userJSON struct {
	ID               uuid.UUID      `json:"id"`
	Username         string         `json:"username"`
	Name             string         `json:"name"`
	AvatarURL        string         `json:"avatar_url"`
	Email            string         `json:"email"`
	CreatedAt        time.Time      `json:"created_at"`
	UpdatedAt        time.Time      `json:"updated_at"`
	LastSeenAt       time.Time      `json:"last_seen_at"`
	Status           string         `json:"status"`
	LoginType        string         `json:"login_type"`
	ThemePreference  string         `json:"theme_preference"`
	OrganizationIDs  []uuid.UUID    `json:"organization_ids"`
	Roles            []slimRoleJSON `json:"roles"`
	IsServiceAccount *bool          `json:"is_service_account,omitempty"`
	HasAISeat        *bool          `json:"has_ai_seat,omitempty"`
}

type buildInfoJSON struct {
	ExternalURL           string `json:"external_url"`
	Version               string `json:"version"`
	DashboardURL          string `json:"dashboard_url"`
	Telemetry             bool   `json:"telemetry"`
	WorkspaceProxy        bool   `json:"workspace_proxy"`
	AgentAPIVersion       string `json:"agent_api_version"`
	ProvisionerAPIVersion string `json:"provisioner_api_version"`
	UpgradeMessage        string `json:"upgrade_message"`
	DeploymentID          string `json:"deployment_id"`
	WebpushPublicKey      string `json:"webpush_public_key"`
}

type authMethodsJSON struct {
	TermsOfServiceURL string `json:"terms_of_service_url,omitempty"`
	Password          struct {
		Enabled bool `json:"enabled"`
	} `json:"password"`
	Github struct {
		Enabled                   bool `json:"enabled"`
		DefaultProviderConfigured bool `json:"default_provider_configured"`
	} `json:"github"`
	OIDC struct {
		Enabled    bool   `json:"enabled"`
		SignInText string `json:"signInText"`
		IconURL    string `json:"iconUrl"`
	} `json:"oidc"`
}
