package sdk

import (
	"context"
	"net/http"
)

// MaxAuthCheckResourceIDs is how many checks of one authcheck request may carry a
// resource_id on newer servers; more is a 400.
const MaxAuthCheckResourceIDs = 10

// AuthCheckResourceIDTypes are the only resource types whose checks may carry a
// resource_id; the server loads the object and judges it by its own owner and org.
var AuthCheckResourceIDTypes = []string{"workspace", "workspace_execution", "template", "user", "group"}

// AuthorizationRequest is codersdk.AuthorizationRequest: named checks, answered per name.
type AuthorizationRequest struct {
	Checks map[string]AuthorizationCheck `json:"checks"`
}

// AuthorizationCheck asks whether the caller may perform Action on Object.
type AuthorizationCheck struct {
	Object AuthorizationObject `json:"object"`
	Action string              `json:"action"`
}

// AuthorizationObject describes the object of a check. With ResourceID set (only for
// AuthCheckResourceIDTypes) the server ignores OwnerID and OrganizationID.
type AuthorizationObject struct {
	ResourceType   string `json:"resource_type"`
	OwnerID        string `json:"owner_id,omitempty"` // a UUID or "me"
	OrganizationID string `json:"organization_id,omitempty"`
	ResourceID     string `json:"resource_id,omitempty"`
	AnyOrgOwner    bool   `json:"any_org,omitempty"`
}

// AuthorizationResponse answers each check by its name.
type AuthorizationResponse map[string]bool

// AuthCheck asks the server whether the calling key may perform the checks, judged by
// the caller's roles, the key's scopes and (on servers with allow lists) its allow list.
// It changes nothing on the server, so it is retried like a GET.
func (c *Client) AuthCheck(ctx context.Context, req AuthorizationRequest) (AuthorizationResponse, error) {
	out := AuthorizationResponse{}
	err := c.sendJSON(ctx, call{method: http.MethodPost, path: "/authcheck", body: req,
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}
