package coderdtest

import (
	"net/http"
	"strconv"
	"strings"
)

// The listing endpoints shell completion uses. Like coderd they answer with
// what the caller may read (an owner sees every user, a member only
// themselves) and take a search query q: free text matches a username or
// workspace name by prefix, "owner:<username>" filters workspaces.

func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request, caller *principal) {
	query := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	limit := listLimit(r)
	s.mu.Lock()
	var visible []userRecord
	for _, u := range s.users {
		if len(visible) == limit {
			break
		}
		if !s.authorizeLocked(caller, "read", userRBAC(u.ID)) || !strings.HasPrefix(strings.ToLower(u.Username), query) {
			continue
		}
		visible = append(visible, *u)
	}
	s.mu.Unlock()
	users := make([]userJSON, 0, len(visible))
	for _, u := range visible {
		users = append(users, s.userJSON(u))
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users, "count": len(users)})
}

func (s *Server) handleListWorkspaces(w http.ResponseWriter, r *http.Request, caller *principal) {
	var owner, name string
	for _, term := range strings.Fields(r.URL.Query().Get("q")) {
		if v, ok := strings.CutPrefix(term, "owner:"); ok {
			owner = v
		} else {
			name = strings.TrimPrefix(term, "name:")
		}
	}
	limit := listLimit(r)
	s.mu.Lock()
	if owner == "me" {
		owner = caller.user.Username
	}
	out := []workspaceJSON{}
	for _, ws := range s.objects.workspaces {
		if len(out) == limit {
			break
		}
		tpl := s.templateByIDLocked(ws.TemplateID)
		u := s.userByIDLocked(ws.OwnerID)
		switch {
		case tpl == nil || u == nil:
		case owner != "" && !strings.EqualFold(u.Username, owner):
		case !strings.HasPrefix(ws.Name, name):
		case !s.authorizeLocked(caller, "read", ws.rbac()) || !s.authorizeLocked(caller, "read", tpl.rbac()):
		default:
			out = append(out, s.workspaceJSONLocked(*ws, *tpl))
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"workspaces": out, "count": len(out)})
}

func listLimit(r *http.Request) int {
	if n, err := strconv.Atoi(r.URL.Query().Get("limit")); err == nil && n > 0 {
		return n
	}
	return 25 // coderd's default page
}
