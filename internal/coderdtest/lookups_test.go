package coderdtest

import (
	"net/http"
	"strings"
	"testing"
)

// seeded is one small deployment: a template with two versions, admin's and member's
// workspaces, a second organization member is not in, and a group.
type seeded struct {
	s        *Server
	org      Organization
	other    Organization
	tpl      Template
	otherTpl Template
	adminWS  Workspace
	memberWS Workspace
	group    Group
}

func seed(t *testing.T, opts Options) seeded {
	t.Helper()
	s := newTestServer(t, opts)
	d := seeded{s: s, org: s.DefaultOrganization()}
	d.other = s.AddOrganization("research", s.Owner)
	d.tpl = s.AddTemplate(d.org.ID, "docker")
	d.otherTpl = s.AddTemplate(d.other.ID, "gpu")
	d.adminWS = s.AddWorkspace(s.Owner, "dev", d.tpl.ID)
	s.AddTemplateVersion(d.tpl.ID, "v2", true) // admin's workspace is now outdated
	d.memberWS = s.AddWorkspace(s.Member, "dev", d.tpl.ID)
	d.group = s.AddGroup(d.org.ID, "devs", s.Member)
	return d
}

func TestLookupsFindSeededObjects(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	tests := []struct {
		name  string
		token string
		path  string
		want  []string // substrings of the answer
	}{
		{"organization by name", s.Owner.SessionToken, "/api/v2/organizations/coder", []string{`"id":"` + d.org.ID.String(), `"is_default":true`}},
		{"organization default", s.Member.SessionToken, "/api/v2/organizations/default", []string{`"name":"coder"`}},
		{"organization by id", s.Owner.SessionToken, "/api/v2/organizations/" + d.other.ID.String(), []string{`"name":"research"`, `"is_default":false`}},
		{"template in org", s.Member.SessionToken, "/api/v2/organizations/default/templates/docker",
			[]string{`"id":"` + d.tpl.ID.String(), `"organization_id":"` + d.org.ID.String(), `"active_version_id":"`}},
		{"template name case-insensitive", s.Owner.SessionToken, "/api/v2/organizations/coder/templates/Docker", []string{`"name":"docker"`}},
		{"template version by id", s.Owner.SessionToken, "/api/v2/templateversions/" + d.adminWS.TemplateVersionID.String(),
			[]string{`"template_id":"` + d.tpl.ID.String(), `"name":"v1"`}},
		{"template version by name", s.Owner.SessionToken, "/api/v2/organizations/coder/templates/docker/versions/v2", []string{`"name":"v2"`}},
		{"group", s.Member.SessionToken, "/api/v2/organizations/coder/groups/devs", []string{`"id":"` + d.group.ID.String(), `"total_member_count":1`}},
		{"own workspace by name", s.Member.SessionToken, "/api/v2/users/me/workspace/dev",
			[]string{`"id":"` + d.memberWS.ID.String(), `"owner_name":"member"`, `"dormant_at":null`}},
		{"owner reads another's workspace", s.Owner.SessionToken, "/api/v2/users/member/workspace/dev", []string{`"owner_id":"` + s.Member.ID.String()}},
		{"workspace by id keeps its build's version", s.Owner.SessionToken, "/api/v2/workspaces/" + d.adminWS.ID.String(),
			[]string{`"template_version_id":"` + d.adminWS.TemplateVersionID.String(), `"outdated":true`, `"template_id":"` + d.tpl.ID.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, s, request{path: tt.path, token: tt.token})
			if got.status != http.StatusOK {
				t.Fatalf("status %d, body %s", got.status, got.body)
			}
			expectJSONHeaders(t, got)
			for _, want := range tt.want {
				if !strings.Contains(string(got.body), want) {
					t.Errorf("answer lacks %s:\n%s", want, got.body)
				}
			}
		})
	}
}

func TestLookupsOfMissingOrHiddenObjects(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	tests := []struct {
		name   string
		token  string
		path   string
		status int
		want   wantBody
	}{
		{"unknown template", s.Owner.SessionToken, "/api/v2/organizations/coder/templates/nope", 404, notFoundBody},
		{"template of an org the member is not in", s.Member.SessionToken, "/api/v2/organizations/" + d.other.ID.String() + "/templates/gpu", 404, notFoundBody},
		{"unknown version name", s.Owner.SessionToken, "/api/v2/organizations/coder/templates/docker/versions/v9", 404,
			wantBody{message: `No template version found by name "v9".`}},
		{"version id not a uuid", s.Owner.SessionToken, "/api/v2/templateversions/v1", 400,
			wantBody{message: `Invalid UUID "v1".`, detail: "invalid UUID length: 2"}},
		{"unknown group", s.Owner.SessionToken, "/api/v2/organizations/coder/groups/ops", 404, notFoundBody},
		{"unknown workspace", s.Owner.SessionToken, "/api/v2/users/admin/workspace/prod", 404, notFoundBody},
		{"another member's workspace", s.Member.SessionToken, "/api/v2/users/admin/workspace/dev", 404, notFoundBody},
		{"another member's workspace by id", s.Member.SessionToken, "/api/v2/workspaces/" + d.adminWS.ID.String(), 404, notFoundBody},
		{"workspace id not a uuid", s.Owner.SessionToken, "/api/v2/workspaces/dev", 400,
			wantBody{message: `Invalid UUID "dev".`, detail: "invalid UUID length: 3"}},
		{"unknown owner", s.Owner.SessionToken, "/api/v2/users/nobody/workspace/dev", 404, notFoundBody},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectResponse(t, do(t, s, request{path: tt.path, token: tt.token}), tt.status, tt.want)
		})
	}
}

// Upstream's organization lookup writes two JSON values on a miss; clients must read the first.
func TestUnknownOrganizationWritesTwoBodies(t *testing.T) {
	d := seed(t, Options{})
	got := do(t, d.s, request{path: "/api/v2/organizations/nope/templates/docker", token: d.s.Owner.SessionToken})
	want := `{"message":"Resource not found or you do not have access to this resource"}` + "\n" + `{"message":"Organization \"nope\" not found."}` + "\n"
	if got.status != http.StatusNotFound || string(got.body) != want {
		t.Fatalf("got %d %q, want 404 %q", got.status, got.body, want)
	}
	// A member does not learn that an organization it is not in exists.
	got = do(t, d.s, request{path: "/api/v2/organizations/research", token: d.s.Member.SessionToken})
	if got.status != http.StatusNotFound || !strings.HasPrefix(string(got.body), `{"message":"Resource not found`) {
		t.Fatalf("member reading a foreign org: %d %s", got.status, got.body)
	}
}

func TestLookupsAreFilteredByTheKeysScopesAndAllowList(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	ws := d.memberWS.ID.String()
	path := "/api/v2/workspaces/" + ws
	tests := []struct {
		name      string
		scopes    []string
		allowList []string
		status    int
	}{
		{"full access", nil, nil, 200},
		{"workspace and its template allowed", []string{"coder:workspaces.access"}, []string{"workspace:" + ws, "template:" + d.tpl.ID.String()}, 200},
		{"template missing from the allow list hides the workspace", []string{"coder:workspaces.access"}, []string{"workspace:" + ws}, 404},
		{"scope without workspace read", []string{"template:read"}, []string{"*:*"}, 404},
		{"another workspace allowed", []string{"workspace:read", "template:read"}, []string{"workspace:" + d.adminWS.ID.String(), "template:*"}, 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := s.MintToken(s.Member, "", 0, tt.scopes, tt.allowList)
			if got := do(t, s, request{path: path, token: key}); got.status != tt.status {
				t.Fatalf("status %d, want %d (body %s)", got.status, tt.status, got.body)
			}
		})
	}
}

func TestDormantWorkspaceIsTypedWorkspaceDormant(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	ws := d.memberWS.ID.String()
	key := s.MintToken(s.Member, "", 0, []string{"workspace:read", "workspace_dormant:read", "template:read"},
		[]string{"workspace:" + ws, "template:*"})
	path := "/api/v2/workspaces/" + ws
	if got := do(t, s, request{path: path, token: key}); got.status != http.StatusOK {
		t.Fatalf("active workspace: %d %s", got.status, got.body)
	}
	s.SetWorkspaceDormant(d.memberWS.ID, true)
	if got := do(t, s, request{path: path, token: key}); got.status != http.StatusNotFound {
		t.Fatalf("dormant workspace without workspace_dormant entry: %d %s", got.status, got.body)
	}
	got := do(t, s, request{path: path, token: s.Member.SessionToken})
	if got.status != http.StatusOK || !strings.Contains(string(got.body), `"dormant_at":"2026-03-01T10:00:00.123456Z"`) {
		t.Fatalf("dormant workspace for its owner: %d %s", got.status, got.body)
	}
}

func TestUsersListTheirOrganizations(t *testing.T) {
	d := seed(t, Options{})
	got := do(t, d.s, request{path: "/api/v2/users/me", token: d.s.Owner.SessionToken})
	want := `"organization_ids":["` + d.org.ID.String() + `","` + d.other.ID.String() + `"]`
	if !strings.Contains(string(got.body), want) {
		t.Fatalf("owner's user lacks %s:\n%s", want, got.body)
	}
}
