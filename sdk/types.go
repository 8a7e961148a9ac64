// Package sdk is a typed client for the Coder API-token endpoints. Its types mirror the
// server's JSON field for field (see /work/shared/api/coder-token-api.md §2); it knows
// HTTP and JSON and nothing about commands or terminals.
package sdk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// APIKey is one token as the server reports it. No field is omitempty on the server.
// Scopes and AllowList stay nil when the server omitted them (servers from before
// ~Sep/Oct 2025), which is how a caller detects that scopes or an allow list were
// silently ignored; an empty JSON array decodes to an empty, non-nil slice.
type APIKey struct {
	ID        string    `json:"id"`
	UserID    uuid.UUID `json:"user_id"`
	LastUsed  time.Time `json:"last_used"` // never used: 1970-01-01 (newer) or 0001-01-01 (older servers)
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	LoginType string    `json:"login_type"`
	// Scope is legacy data the server derives from Scopes; "" for low-level scopes.
	Scope           string            `json:"scope"`
	Scopes          []string          `json:"scopes"`
	TokenName       string            `json:"token_name"`
	LifetimeSeconds int64             `json:"lifetime_seconds"` // seconds, unlike CreateTokenRequest.Lifetime
	AllowList       []AllowListTarget `json:"allow_list"`
}

// APIKeyWithOwner is a list element: every APIKey field flattened plus the owner's
// username ("" when the server could not load the owner).
type APIKeyWithOwner struct {
	APIKey
	Username string `json:"username"`
}

// AllowListTarget restricts a token to one resource ("workspace:<uuid>") or a wildcard
// ("workspace:*", "*:*"). On the wire it is the string "<type>:<id>".
type AllowListTarget struct {
	Type string
	ID   string
}

// ParseAllowListTarget parses "<type>:<id>" the way the server does: the whole string is
// trimmed and split on the first ':', and both halves must be non-empty. Resource types
// and UUIDs are left for the server (or a caller that knows the RBAC catalog) to judge.
func ParseAllowListTarget(s string) (AllowListTarget, error) {
	typ, id, found := strings.Cut(strings.TrimSpace(s), ":")
	if !found || typ == "" || id == "" {
		return AllowListTarget{}, fmt.Errorf("invalid allow_list entry %q: want <type>:<id>", s)
	}
	return AllowListTarget{Type: typ, ID: id}, nil
}

// String returns the wire form "<type>:<id>".
func (t AllowListTarget) String() string { return t.Type + ":" + t.ID }

// MarshalJSON always sends the string form, the only one released servers accept.
func (t AllowListTarget) MarshalJSON() ([]byte, error) { return json.Marshal(t.String()) }

// UnmarshalJSON accepts the string form servers send and, defensively, the
// {"type","id"} object form shown by the generated API docs and an unmerged draft.
// unquoteJSONString decodes a JSON string. The common entry, plain ASCII
// such as "workspace:<uuid>", is cut out directly: a nested json.Unmarshal
// per entry (validating again what the decoder already checked) was an
// eighth of decoding a long token list.
func unquoteJSONString(data []byte) (string, error) {
	if len(data) >= 2 && data[len(data)-1] == '"' && plainASCII(data[1:len(data)-1]) {
		return string(data[1 : len(data)-1]), nil
	}
	var s string
	err := json.Unmarshal(data, &s)
	return s, err
}

// plainASCII reports whether b needs no JSON unescaping: printable ASCII
// without backslash or quote.
func plainASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c >= 0x7f || c == '\\' || c == '"' {
			return false
		}
	}
	return true
}

func (t *AllowListTarget) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) > 0 && data[0] == '"':
		s, err := unquoteJSONString(data)
		if err != nil {
			return err
		}
		parsed, err := ParseAllowListTarget(s)
		if err != nil {
			return err
		}
		*t = parsed
		return nil
	case len(data) > 0 && data[0] == '{':
		var obj struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		}
		if err := json.Unmarshal(data, &obj); err != nil {
			return err
		}
		if obj.Type == "" || obj.ID == "" {
			return fmt.Errorf("invalid allow_list entry %s: want type and id", data)
		}
		*t = AllowListTarget{Type: obj.Type, ID: obj.ID}
		return nil
	case bytes.Equal(data, []byte("null")):
		return nil
	default:
		return fmt.Errorf("invalid allow_list entry %s: want a \"<type>:<id>\" string", data)
	}
}

// CreateTokenRequest is the POST body for minting a token. Lifetime is encoded as
// integer nanoseconds (plain time.Duration JSON); 0 asks for the deployment default.
// lifetime and token_name are always sent, like the upstream SDK.
type CreateTokenRequest struct {
	Lifetime  time.Duration     `json:"lifetime"`
	Scope     string            `json:"scope,omitempty"` // deprecated; ignored by servers when Scopes is non-empty
	Scopes    []string          `json:"scopes,omitempty"`
	TokenName string            `json:"token_name"`
	AllowList []AllowListTarget `json:"allow_list,omitempty"`
}

// GenerateAPIKeyResponse carries the only copy of a new token's secret.
type GenerateAPIKeyResponse struct {
	Key string `json:"key"`
}

// TokenConfig is the maximum lifetime for the user in the request path, in nanoseconds
// on the wire.
type TokenConfig struct {
	MaxTokenLifetime time.Duration `json:"max_token_lifetime"`
}

// TokensFilter selects what the list endpoint returns. Both flags are always sent,
// because servers parse them with strconv.ParseBool and older ones default differently.
type TokensFilter struct {
	IncludeAll     bool
	IncludeExpired bool
}

// User is codersdk.User (contract §5.1).
type User struct {
	ID               uuid.UUID   `json:"id"`
	Username         string      `json:"username"`
	Name             string      `json:"name"`
	Email            string      `json:"email"`
	AvatarURL        string      `json:"avatar_url"`
	CreatedAt        time.Time   `json:"created_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	LastSeenAt       time.Time   `json:"last_seen_at"`
	Status           string      `json:"status"`
	LoginType        string      `json:"login_type"`
	ThemePreference  string      `json:"theme_preference"`
	OrganizationIDs  []uuid.UUID `json:"organization_ids"`
	Roles            []Role      `json:"roles"`
	IsServiceAccount bool        `json:"is_service_account"`
	HasAISeat        bool        `json:"has_ai_seat"`
}

// IsOwner reports whether the user holds the site-wide owner role, the only role that
// changes the token lifetime cap.
func (u User) IsOwner() bool {
	for _, r := range u.Roles {
		if r.Name == "owner" {
			return true
		}
	}
	return false
}

// Role is a slim role; site roles have an empty OrganizationID.
type Role struct {
	Name           string `json:"name"`
	DisplayName    string `json:"display_name"`
	OrganizationID string `json:"organization_id"`
}

// BuildInfo is the unauthenticated /buildinfo answer; Version gates features.
type BuildInfo struct {
	ExternalURL           string `json:"external_url"`
	Version               string `json:"version"`
	DashboardURL          string `json:"dashboard_url"`
	DeploymentID          string `json:"deployment_id"`
	AgentAPIVersion       string `json:"agent_api_version"`
	ProvisionerAPIVersion string `json:"provisioner_api_version"`
	UpgradeMessage        string `json:"upgrade_message"`
	Telemetry             bool   `json:"telemetry"`
	WorkspaceProxy        bool   `json:"workspace_proxy"`
	WebpushPublicKey      string `json:"webpush_public_key"`
	OAuth2Provider        bool   `json:"oauth2_provider"`
}

// ScopeCatalog lists every scope name a token may request.
type ScopeCatalog struct {
	External []string `json:"external"`
}

// UnmarshalJSON accepts {"external":[...]} and the bare array a pre-merge draft served.
func (c *ScopeCatalog) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		return json.Unmarshal(data, &c.External)
	}
	type plain ScopeCatalog // drops this method so the object form decodes normally
	return json.Unmarshal(data, (*plain)(c))
}

// AuthMethods lists the login methods a deployment offers.
type AuthMethods struct {
	TermsOfServiceURL string           `json:"terms_of_service_url,omitempty"`
	Password          AuthMethod       `json:"password"`
	Github            GithubAuthMethod `json:"github"`
	OIDC              OIDCAuthMethod   `json:"oidc"`
}

// AuthMethod is a login method that can only be on or off.
type AuthMethod struct {
	Enabled bool `json:"enabled"`
}

// GithubAuthMethod describes GitHub login.
type GithubAuthMethod struct {
	Enabled                   bool `json:"enabled"`
	DefaultProviderConfigured bool `json:"default_provider_configured"`
}

// OIDCAuthMethod describes OIDC login; the server uses camelCase inside this object.
type OIDCAuthMethod struct {
	Enabled    bool   `json:"enabled"`
	SignInText string `json:"signInText"`
	IconURL    string `json:"iconUrl"`
}

// loginWithPasswordRequest is the POST /users/login body.
type loginWithPasswordRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// LoginWithPasswordResponse carries the new session token.
type LoginWithPasswordResponse struct {
	SessionToken string `json:"session_token"`
}

const (
	keyIDLength     = 10
	keySecretLength = 22
)

// SplitToken splits a token "<id>-<secret>" on the first '-'. ok is true only for the
// format servers accept: exactly one '-', a 10-character ID and a 22-character secret.
func SplitToken(key string) (id, secret string, ok bool) {
	id, secret, found := strings.Cut(key, "-")
	ok = found && len(id) == keyIDLength && len(secret) == keySecretLength && !strings.Contains(secret, "-")
	return id, secret, ok
}
