package coderdtest

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/google/uuid"
)

const maxAuthCheckResourceIDs = 10

type authorizationObject struct {
	ResourceType   string `json:"resource_type"`
	OwnerID        string `json:"owner_id"`
	OrganizationID string `json:"organization_id"`
	ResourceID     string `json:"resource_id"`
	AnyOrgOwner    bool   `json:"any_org"`
}

type authorizationCheck struct {
	Object authorizationObject `json:"object"`
	Action string              `json:"action"`
}

// handleAuthCheck is coderd's checkAuthorization: each check is answered for the calling
// key, by its user's roles, its scopes and its allow list. Checks are visited in name
// order so that which malformed check is reported is deterministic (upstream ranges
// over a map).
func (s *Server) handleAuthCheck(w http.ResponseWriter, r *http.Request, caller *principal) {
	type AuthorizationRequest struct {
		Checks map[string]authorizationCheck `json:"checks"`
	}
	var req AuthorizationRequest
	if !decodeJSON(w, r, &req) {
		return
	}
	newer := s.gen.hasScopes() // the resource_id cap and type list are from newer servers
	ids := 0
	for _, c := range req.Checks {
		if c.Object.ResourceID != "" {
			ids++
		}
	}
	if newer && ids > maxAuthCheckResourceIDs {
		writeJSON(w, http.StatusBadRequest, response{Message: fmt.Sprintf(
			"Endpoint only supports using \"resource_id\" field %d times, found %d usages. Remove %d objects with this field set.",
			maxAuthCheckResourceIDs, ids, ids-maxAuthCheckResourceIDs)})
		return
	}
	names := make([]string, 0, len(req.Checks))
	for name := range req.Checks {
		names = append(names, name)
	}
	sort.Strings(names)

	answers := map[string]bool{}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, name := range names {
		check := req.Checks[name]
		o := check.Object
		if o.ResourceType == "" {
			writeJSON(w, http.StatusBadRequest, response{Message: fmt.Sprintf("Object's \"resource_type\" field must be defined for key %q.", name)})
			return
		}
		obj := rbacObject{typ: o.ResourceType, ownerID: o.OwnerID, orgID: o.OrganizationID}
		if obj.ownerID == "me" {
			obj.ownerID = caller.user.ID.String()
		}
		if o.ResourceID != "" {
			id, err := uuid.Parse(o.ResourceID)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, response{Message: fmt.Sprintf("Object %q id is not a valid uuid.", o.ResourceID),
					Validations: []validationError{{Field: "resource_id", Detail: err.Error()}}})
				return
			}
			loaded, known, apiErr := s.loadCheckObjectLocked(caller, o.ResourceType, id, newer)
			if apiErr != nil {
				writeError(w, apiErr)
				return
			}
			if !known {
				answers[name] = false // missing, or unreadable by this key: false, not an error
				continue
			}
			obj = loaded
		}
		answers[name] = s.authorizeLocked(caller, check.Action, obj)
	}
	writeJSON(w, http.StatusOK, answers)
}

// loadCheckObjectLocked fetches a resource_id's object as the caller (so an object the
// key cannot read answers false) and returns its RBAC form.
func (s *Server) loadCheckObjectLocked(caller *principal, typ string, id uuid.UUID, newer bool) (rbacObject, bool, *apiError) {
	var obj rbacObject
	switch typ {
	case "workspace", "workspace_execution":
		ws := s.workspaceByIDLocked(id)
		if ws == nil {
			return obj, false, nil
		}
		obj = ws.rbac()
		if typ == "workspace_execution" {
			obj = ws.executionRBAC()
		}
		if !s.authorizeLocked(caller, "read", ws.rbac()) {
			return obj, false, nil
		}
		return obj, true, nil
	case "template":
		tpl := s.templateByIDLocked(id)
		if tpl == nil {
			return obj, false, nil
		}
		obj = tpl.rbac()
	case "user":
		if s.userByIDLocked(id) == nil {
			return obj, false, nil
		}
		obj = userRBAC(id)
	case "group":
		g := s.groupByIDLocked(id)
		if g == nil {
			return obj, false, nil
		}
		obj = g.rbac()
	default:
		if newer {
			return obj, false, newAPIError(http.StatusBadRequest, fmt.Sprintf("Object type %q does not support \"resource_id\" field.", typ), "")
		}
		// Older servers took the ID as given, without loading anything.
		return rbacObject{typ: typ, id: id.String()}, true, nil
	}
	return obj, s.authorizeLocked(caller, "read", obj), nil
}
