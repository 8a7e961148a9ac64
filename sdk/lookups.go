package sdk

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// Organization is codersdk.Organization, trimmed to what token commands need.
type Organization struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Description string    `json:"description"`
	Icon        string    `json:"icon"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	IsDefault   bool      `json:"is_default"`
}

// Template is codersdk.Template, trimmed to what token commands need.
type Template struct {
	ID               uuid.UUID `json:"id"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	OrganizationID   uuid.UUID `json:"organization_id"`
	OrganizationName string    `json:"organization_name"`
	Name             string    `json:"name"`
	DisplayName      string    `json:"display_name"`
	Provisioner      string    `json:"provisioner"`
	ActiveVersionID  uuid.UUID `json:"active_version_id"`
	Deprecated       bool      `json:"deprecated"`
}

// TemplateVersion is codersdk.TemplateVersion, trimmed. Versions are authorised as their
// template, so TemplateID is what an allow list needs. It is null for a version that
// was never attached to a template.
type TemplateVersion struct {
	ID             uuid.UUID  `json:"id"`
	TemplateID     *uuid.UUID `json:"template_id"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Name           string     `json:"name"`
	Message        string     `json:"message"`
}

// Group is codersdk.Group (a Premium feature), trimmed. group_member objects are keyed
// by user IDs, not by the group's ID.
type Group struct {
	ID                      uuid.UUID `json:"id"`
	Name                    string    `json:"name"`
	DisplayName             string    `json:"display_name"`
	OrganizationID          uuid.UUID `json:"organization_id"`
	OrganizationName        string    `json:"organization_name"`
	OrganizationDisplayName string    `json:"organization_display_name"`
	AvatarURL               string    `json:"avatar_url"`
	QuotaAllowance          int       `json:"quota_allowance"`
	Source                  string    `json:"source"`
	TotalMemberCount        int       `json:"total_member_count"`
}

// Workspace is codersdk.Workspace, trimmed to the fields an allow list and its closure
// need. DormantAt is non-nil while the workspace is dormant, when RBAC types it
// workspace_dormant instead of workspace.
type Workspace struct {
	ID                      uuid.UUID      `json:"id"`
	CreatedAt               time.Time      `json:"created_at"`
	UpdatedAt               time.Time      `json:"updated_at"`
	OwnerID                 uuid.UUID      `json:"owner_id"`
	OwnerName               string         `json:"owner_name"`
	OrganizationID          uuid.UUID      `json:"organization_id"`
	OrganizationName        string         `json:"organization_name"`
	TemplateID              uuid.UUID      `json:"template_id"`
	TemplateName            string         `json:"template_name"`
	TemplateActiveVersionID uuid.UUID      `json:"template_active_version_id"`
	LatestBuild             WorkspaceBuild `json:"latest_build"`
	Name                    string         `json:"name"`
	Outdated                bool           `json:"outdated"`
	DormantAt               *time.Time     `json:"dormant_at"`
	DeletingAt              *time.Time     `json:"deleting_at"`
}

// WorkspaceBuild is the part of codersdk.WorkspaceBuild a closure needs.
type WorkspaceBuild struct {
	ID                uuid.UUID `json:"id"`
	WorkspaceID       uuid.UUID `json:"workspace_id"`
	TemplateVersionID uuid.UUID `json:"template_version_id"`
	BuildNumber       int32     `json:"build_number"`
	Transition        string    `json:"transition"`
	Status            string    `json:"status"`
}

// Organization returns an organization by name, UUID or "default".
func (c *Client) Organization(ctx context.Context, org string) (Organization, error) {
	var out Organization
	err := c.getJSON(ctx, "/organizations/{organization}", map[string]string{"organization": org}, &out)
	return out, err
}

// Template returns the template called name in org (organization name, UUID or "default").
func (c *Client) Template(ctx context.Context, org, name string) (Template, error) {
	var out Template
	err := c.getJSON(ctx, "/organizations/{organization}/templates/{templatename}",
		map[string]string{"organization": org, "templatename": name}, &out)
	return out, err
}

// TemplateVersion returns a template version by ID.
func (c *Client) TemplateVersion(ctx context.Context, id uuid.UUID) (TemplateVersion, error) {
	var out TemplateVersion
	err := c.getJSON(ctx, "/templateversions/{templateversion}", map[string]string{"templateversion": id.String()}, &out)
	return out, err
}

// TemplateVersionByName returns the version called name of template in org.
func (c *Client) TemplateVersionByName(ctx context.Context, org, template, name string) (TemplateVersion, error) {
	var out TemplateVersion
	err := c.getJSON(ctx, "/organizations/{organization}/templates/{templatename}/versions/{templateversionname}",
		map[string]string{"organization": org, "templatename": template, "templateversionname": name}, &out)
	return out, err
}

// Group returns the group called name in org (Premium deployments only).
func (c *Client) Group(ctx context.Context, org, name string) (Group, error) {
	var out Group
	err := c.getJSON(ctx, "/organizations/{organization}/groups/{groupname}",
		map[string]string{"organization": org, "groupname": name}, &out)
	return out, err
}

// WorkspaceByOwnerAndName returns owner's workspace called name; owner is a username,
// UUID or "me".
func (c *Client) WorkspaceByOwnerAndName(ctx context.Context, owner, name string) (Workspace, error) {
	var out Workspace
	err := c.getJSON(ctx, "/users/{user}/workspace/{workspacename}",
		map[string]string{"user": owner, "workspacename": name}, &out)
	return out, err
}

// Workspace returns a workspace by ID.
func (c *Client) Workspace(ctx context.Context, id uuid.UUID) (Workspace, error) {
	var out Workspace
	err := c.getJSON(ctx, "/workspaces/{workspace}", map[string]string{"workspace": id.String()}, &out)
	return out, err
}
