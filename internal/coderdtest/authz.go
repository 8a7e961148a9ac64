package coderdtest

import (
	"strings"

	"github.com/google/uuid"
)

// rbacObject is what an authorisation decision is about, as rbac.Object: a type, an ID
// where the object has one, its owner and its organization.
type rbacObject struct {
	typ     string
	id      string
	ownerID string
	orgID   string
}

// Effective rights are roles ∩ scopes ∩ allow list (scopes.md §4.1). The stand-in's roles
// are deliberately small: a site owner may do everything; a member may do anything to
// objects it owns, read and update its own user, read its organizations and their
// members and groups, and read the templates of its organizations.
func (s *Server) authorizeLocked(caller *principal, action string, obj rbacObject) bool {
	key := s.keys[caller.keyID]
	if key == nil {
		return false
	}
	return s.roleAllowsLocked(caller.user, action, obj) &&
		scopesAllow(key.scopes, action, obj.typ) &&
		allowListAdmits(key.allowList, obj)
}

var memberOwnUserActions = map[string]bool{"read": true, "read_personal": true, "update_personal": true}

func (s *Server) roleAllowsLocked(user userRecord, action string, obj rbacObject) bool {
	if user.Owner {
		return true
	}
	self := user.ID.String()
	if obj.ownerID == self && obj.typ != "user" {
		return true
	}
	if obj.typ == "user" { // by ID, or ID-less and owned by the caller ("me")
		return (obj.id == self || obj.id == "" && obj.ownerID == self) && memberOwnUserActions[action]
	}
	orgID, err := uuid.Parse(obj.orgID)
	inOrg := err == nil && s.objects.members[orgID][user.ID]
	switch obj.typ {
	case "organization":
		return action == "read" && inOrg
	case "organization_member", "group", "template":
		return action == "read" && inOrg
	}
	return false
}

// scopesAllow reports whether any of the key's scopes grants action on typ; scopes are
// site-wide permission lists, so ownership plays no part here.
func scopesAllow(keyScopes []string, action, typ string) bool {
	for _, name := range keyScopes {
		for _, perm := range expandScope(canonicalScope(name)) {
			resource, permAction, _ := strings.Cut(perm, ":")
			if (resource == "*" || resource == typ) && (permAction == "*" || permAction == action) {
				return true
			}
		}
	}
	return false
}

// expandScope returns the resource:action pairs a stored scope name grants.
func expandScope(name string) []string {
	if perms, ok := catalog.SpecialExpansions[name]; ok {
		return perms
	}
	if perms, ok := catalog.Composites[name]; ok {
		return perms
	}
	if strings.Contains(name, ":") && !strings.HasPrefix(name, "coder:") {
		return []string{name}
	}
	return nil
}

// allowListAdmits is rego's object_is_included_in_scope_allow_list: once the list is
// anything but *:*, the object must match an entry by type (or *) and ID (or *). An
// object checked without an ID only matches ID wildcards.
func allowListAdmits(list []string, obj rbacObject) bool {
	for _, entry := range list {
		typ, id, _ := strings.Cut(entry, ":")
		if typ != "*" && typ != obj.typ {
			continue
		}
		if id == "*" || (obj.id != "" && strings.EqualFold(id, obj.id)) {
			return true
		}
	}
	return false
}

// Each object's RBAC form, as its RBACObject method upstream builds it.

func (w Workspace) rbac() rbacObject {
	typ := "workspace"
	if w.DormantAt != nil {
		typ = "workspace_dormant"
	}
	return rbacObject{typ: typ, id: w.ID.String(), ownerID: w.OwnerID.String(), orgID: w.OrganizationID.String()}
}

func (w Workspace) executionRBAC() rbacObject {
	obj := w.rbac()
	if obj.typ == "workspace" {
		obj.typ = "workspace_execution"
	}
	return obj
}

func (t Template) rbac() rbacObject {
	return rbacObject{typ: "template", id: t.ID.String(), orgID: t.OrganizationID.String()}
}

func (o Organization) rbac() rbacObject {
	return rbacObject{typ: "organization", id: o.ID.String(), orgID: o.ID.String()}
}

func (g Group) rbac() rbacObject {
	return rbacObject{typ: "group", id: g.ID.String(), orgID: g.OrganizationID.String()}
}

func userRBAC(id uuid.UUID) rbacObject {
	return rbacObject{typ: "user", id: id.String(), ownerID: id.String()}
}
