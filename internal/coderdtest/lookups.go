package coderdtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// The lookups of contract §8. RBAC filters them, so an object the key may not read is a
// 404 with the same body as a missing one.

type organizationJSON struct {
	ID          uuid.UUID `json:"id"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Description string    `json:"description"`
	Icon        string    `json:"icon"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	IsDefault   bool      `json:"is_default"`
}

type templateJSON struct {
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

type templateVersionJSON struct {
	ID             uuid.UUID  `json:"id"`
	TemplateID     *uuid.UUID `json:"template_id"`
	OrganizationID uuid.UUID  `json:"organization_id"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Name           string     `json:"name"`
	Message        string     `json:"message"`
}

type groupJSON struct {
	ID                      uuid.UUID  `json:"id"`
	Name                    string     `json:"name"`
	DisplayName             string     `json:"display_name"`
	OrganizationID          uuid.UUID  `json:"organization_id"`
	Members                 []struct{} `json:"members"`
	TotalMemberCount        int        `json:"total_member_count"`
	AvatarURL               string     `json:"avatar_url"`
	QuotaAllowance          int        `json:"quota_allowance"`
	Source                  string     `json:"source"`
	OrganizationName        string     `json:"organization_name"`
	OrganizationDisplayName string     `json:"organization_display_name"`
}

type workspaceBuildJSON struct {
	ID                uuid.UUID `json:"id"`
	CreatedAt         time.Time `json:"created_at"`
	WorkspaceID       uuid.UUID `json:"workspace_id"`
	WorkspaceName     string    `json:"workspace_name"`
	WorkspaceOwnerID  uuid.UUID `json:"workspace_owner_id"`
	TemplateVersionID uuid.UUID `json:"template_version_id"`
	BuildNumber       int32     `json:"build_number"`
	Transition        string    `json:"transition"`
	Status            string    `json:"status"`
}

type workspaceJSON struct {
	ID                      uuid.UUID          `json:"id"`
	CreatedAt               time.Time          `json:"created_at"`
	UpdatedAt               time.Time          `json:"updated_at"`
	OwnerID                 uuid.UUID          `json:"owner_id"`
	OwnerName               string             `json:"owner_name"`
	OrganizationID          uuid.UUID          `json:"organization_id"`
	OrganizationName        string             `json:"organization_name"`
	TemplateID              uuid.UUID          `json:"template_id"`
	TemplateName            string             `json:"template_name"`
	TemplateActiveVersionID uuid.UUID          `json:"template_active_version_id"`
	LatestBuild             workspaceBuildJSON `json:"latest_build"`
	Outdated                bool               `json:"outdated"`
	Name                    string             `json:"name"`
	DeletingAt              *time.Time         `json:"deleting_at"`
	DormantAt               *time.Time         `json:"dormant_at"`
	AutomaticUpdates        string             `json:"automatic_updates"`
}

func (s *Server) handleGetOrganization(w http.ResponseWriter, r *http.Request, caller *principal) {
	org, ok := s.organizationParam(w, r, caller)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.organizationJSON(org))
}

// organizationParam is ExtractOrganizationParam. On a miss some upstream versions write
// the generic not-found body and then their own (contract §8); so does this one.
func (s *Server) organizationParam(w http.ResponseWriter, r *http.Request, caller *principal) (Organization, bool) {
	param := r.PathValue("organization")
	s.mu.Lock()
	defer s.mu.Unlock()
	org := s.orgByParamLocked(param)
	if org == nil || !s.authorizeLocked(caller, "read", org.rbac()) {
		writeJSON(w, http.StatusNotFound, response{Message: msgNotFound})
		_ = json.NewEncoder(w).Encode(response{Message: fmt.Sprintf("Organization %q not found.", param)})
		return Organization{}, false
	}
	return *org, true
}

func (s *Server) organizationJSON(o Organization) organizationJSON {
	created := s.now()
	return organizationJSON{ID: o.ID, Name: o.Name, DisplayName: o.Name, CreatedAt: created, UpdatedAt: created, IsDefault: o.IsDefault}
}

func (s *Server) handleTemplateByName(w http.ResponseWriter, r *http.Request, caller *principal) {
	org, ok := s.organizationParam(w, r, caller)
	if !ok {
		return
	}
	s.mu.Lock()
	tpl := s.templateByNameLocked(org.ID, r.PathValue("templatename"))
	visible := tpl != nil && s.authorizeLocked(caller, "read", tpl.rbac())
	var out templateJSON
	if visible {
		out = s.templateJSONLocked(*tpl)
	}
	s.mu.Unlock()
	if !visible {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) templateJSONLocked(t Template) templateJSON {
	now := s.now()
	orgName := ""
	if org := s.orgByIDLocked(t.OrganizationID); org != nil {
		orgName = org.Name
	}
	return templateJSON{ID: t.ID, CreatedAt: now, UpdatedAt: now, OrganizationID: t.OrganizationID,
		OrganizationName: orgName, Name: t.Name, DisplayName: t.Name, Provisioner: "terraform", ActiveVersionID: t.ActiveVersionID}
}

func (s *Server) handleTemplateVersionByName(w http.ResponseWriter, r *http.Request, caller *principal) {
	org, ok := s.organizationParam(w, r, caller)
	if !ok {
		return
	}
	name := r.PathValue("templateversionname")
	s.mu.Lock()
	tpl := s.templateByNameLocked(org.ID, r.PathValue("templatename"))
	if tpl == nil || !s.authorizeLocked(caller, "read", tpl.rbac()) {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	var found *TemplateVersion
	for _, v := range s.objects.versions {
		if v.TemplateID == tpl.ID && v.Name == name {
			found = v
		}
	}
	s.mu.Unlock()
	if found == nil {
		writeJSON(w, http.StatusNotFound, response{Message: fmt.Sprintf("No template version found by name %q.", name)})
		return
	}
	writeJSON(w, http.StatusOK, s.templateVersionJSON(*found))
}

func (s *Server) handleTemplateVersion(w http.ResponseWriter, r *http.Request, caller *principal) {
	id, ok := uuidParam(w, r, "templateversion")
	if !ok {
		return
	}
	s.mu.Lock()
	v := s.versionByIDLocked(id)
	visible := false
	if v != nil {
		if tpl := s.templateByIDLocked(v.TemplateID); tpl != nil {
			visible = s.authorizeLocked(caller, "read", tpl.rbac()) // versions are authorised as their template
		}
	}
	s.mu.Unlock()
	if !visible {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.templateVersionJSON(*v))
}

func (s *Server) templateVersionJSON(v TemplateVersion) templateVersionJSON {
	now := s.now()
	tplID := v.TemplateID
	return templateVersionJSON{ID: v.ID, TemplateID: &tplID, OrganizationID: v.OrganizationID, CreatedAt: now, UpdatedAt: now, Name: v.Name}
}

func (s *Server) handleGroupByName(w http.ResponseWriter, r *http.Request, caller *principal) {
	org, ok := s.organizationParam(w, r, caller)
	if !ok {
		return
	}
	s.mu.Lock()
	g := s.groupByNameLocked(org.ID, r.PathValue("groupname"))
	visible := g != nil && s.authorizeLocked(caller, "read", g.rbac())
	s.mu.Unlock()
	if !visible {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, groupJSON{ID: g.ID, Name: g.Name, DisplayName: g.Name, OrganizationID: g.OrganizationID,
		Members: []struct{}{}, TotalMemberCount: len(g.Members), Source: "user",
		OrganizationName: org.Name, OrganizationDisplayName: org.Name})
}

func (s *Server) handleWorkspaceByOwnerAndName(w http.ResponseWriter, r *http.Request, caller *principal) {
	owner, apiErr := s.resolveUserParam(r, caller)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	s.mu.Lock()
	ws := s.workspaceByNameLocked(owner.ID, r.PathValue("workspacename"))
	s.mu.Unlock()
	s.writeWorkspace(w, caller, ws)
}

func (s *Server) handleWorkspaceByID(w http.ResponseWriter, r *http.Request, caller *principal) {
	id, ok := uuidParam(w, r, "workspace")
	if !ok {
		return
	}
	s.mu.Lock()
	ws := s.workspaceByIDLocked(id)
	s.mu.Unlock()
	s.writeWorkspace(w, caller, ws)
}

// writeWorkspace answers with ws if the caller may read it, else the generic 404. Like
// upstream since 2023, a workspace whose template the caller cannot read is hidden too.
func (s *Server) writeWorkspace(w http.ResponseWriter, caller *principal, ws *Workspace) {
	s.mu.Lock()
	var out workspaceJSON
	visible := false
	if ws != nil {
		tpl := s.templateByIDLocked(ws.TemplateID)
		visible = tpl != nil && s.authorizeLocked(caller, "read", ws.rbac()) && s.authorizeLocked(caller, "read", tpl.rbac())
		if visible {
			out = s.workspaceJSONLocked(*ws, *tpl)
		}
	}
	s.mu.Unlock()
	if !visible {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) workspaceJSONLocked(ws Workspace, tpl Template) workspaceJSON {
	ownerName, orgName := "", ""
	if u := s.userByIDLocked(ws.OwnerID); u != nil {
		ownerName = u.Username
	}
	if org := s.orgByIDLocked(ws.OrganizationID); org != nil {
		orgName = org.Name
	}
	return workspaceJSON{
		ID: ws.ID, CreatedAt: ws.CreatedAt, UpdatedAt: ws.CreatedAt,
		OwnerID: ws.OwnerID, OwnerName: ownerName,
		OrganizationID: ws.OrganizationID, OrganizationName: orgName,
		TemplateID: tpl.ID, TemplateName: tpl.Name, TemplateActiveVersionID: tpl.ActiveVersionID,
		LatestBuild: workspaceBuildJSON{
			ID: ws.BuildID, CreatedAt: ws.CreatedAt, WorkspaceID: ws.ID, WorkspaceName: ws.Name,
			WorkspaceOwnerID: ws.OwnerID, TemplateVersionID: ws.TemplateVersionID, BuildNumber: 1,
			Transition: "start", Status: "running",
		},
		Outdated:         ws.TemplateVersionID != tpl.ActiveVersionID,
		Name:             ws.Name,
		DormantAt:        ws.DormantAt,
		AutomaticUpdates: "never",
	}
}

// uuidParam is httpmw.ParseUUIDParam.
func uuidParam(w http.ResponseWriter, r *http.Request, name string) (uuid.UUID, bool) {
	raw := r.PathValue(name)
	id, err := uuid.Parse(raw)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, response{Message: fmt.Sprintf("Invalid UUID %q.", raw), Detail: err.Error()})
		return uuid.UUID{}, false
	}
	return id, true
}
