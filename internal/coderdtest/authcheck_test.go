package coderdtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func authCheck(t *testing.T, s *Server, token, body string) reply {
	t.Helper()
	return do(t, s, request{method: http.MethodPost, path: "/api/v2/authcheck", token: token, body: body})
}

func check(action, typ, id, owner, org string) string {
	obj := map[string]string{"resource_type": typ}
	if id != "" {
		obj["resource_id"] = id
	}
	if owner != "" {
		obj["owner_id"] = owner
	}
	if org != "" {
		obj["organization_id"] = org
	}
	b, _ := json.Marshal(map[string]any{"object": obj, "action": action})
	return string(b)
}

func TestAuthCheckDecidesByRoleScopesAndAllowList(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	ws, tpl, member, org := d.memberWS.ID.String(), d.tpl.ID.String(), s.Member.ID.String(), d.org.ID.String()
	closure := []string{"workspace:" + ws, "template:" + tpl, "template:" + d.memberWS.TemplateVersionID.String(),
		"user:" + member, "organization_member:" + member, "workspace_dormant:" + ws}
	scopedKey := s.MintToken(s.Member, "", 0, []string{"coder:workspaces.access", "user:read"}, closure)
	wildKey := s.MintToken(s.Member, "", 0, []string{"workspace:create"}, []string{"workspace:*"})

	tests := []struct {
		name  string
		token string
		check string
		want  bool
	}{
		{"owner: anything", s.Owner.SessionToken, check("delete", "template", tpl, "", ""), true},
		{"owner: another's workspace", s.Owner.SessionToken, check("ssh", "workspace", ws, "", ""), true},
		{"member: own workspace", s.Member.SessionToken, check("update", "workspace", ws, "", ""), true},
		{"member: another's workspace", s.Member.SessionToken, check("read", "workspace", d.adminWS.ID.String(), "", ""), false},
		{"member: read a template of its org", s.Member.SessionToken, check("read", "template", tpl, "", ""), true},
		{"member: update a template", s.Member.SessionToken, check("update", "template", tpl, "", ""), false},
		{"member: template of a foreign org", s.Member.SessionToken, check("read", "template", d.otherTpl.ID.String(), "", ""), false},
		{"member: create own workspace, by owner and org", s.Member.SessionToken, check("create", "workspace", "", "me", org), true},
		{"member: create for someone else", s.Member.SessionToken, check("create", "workspace", "", s.Owner.ID.String(), org), false},
		{"member: read own user", s.Member.SessionToken, check("read", "user", member, "", ""), true},
		{"member: read another user", s.Member.SessionToken, check("read", "user", s.Owner.ID.String(), "", ""), false},
		{"scoped: ssh to the workspace", scopedKey, check("ssh", "workspace", ws, "", ""), true},
		{"scoped: read its template", scopedKey, check("read", "template", tpl, "", ""), true},
		{"scoped: an action no scope grants", scopedKey, check("delete", "workspace", ws, "", ""), false},
		{"scoped: a template version checked as a template", scopedKey, check("read", "template", d.memberWS.TemplateVersionID.String(), "", ""), false},
		{"scoped: read own user", scopedKey, check("read", "user", member, "", ""), true},
		{"scoped: an ID-less object needs a wildcard entry", scopedKey, check("read", "organization_member", "", "me", org), false},
		{"scoped: creating needs a typed wildcard", scopedKey, check("create", "workspace", "", "me", org), false},
		{"typed wildcard: create", wildKey, check("create", "workspace", "", "me", org), true},
		{"unknown object", s.Owner.SessionToken, check("read", "workspace", "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c", "", ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := authCheck(t, s, tt.token, `{"checks":{"c":`+tt.check+`}}`)
			if got.status != http.StatusOK {
				t.Fatalf("status %d: %s", got.status, got.body)
			}
			var answer map[string]bool
			decodeInto(t, got, &answer)
			if answer["c"] != tt.want || len(answer) != 1 {
				t.Fatalf("answer %s, want c=%v", got.body, tt.want)
			}
		})
	}
}

func TestAuthCheckOnDormantWorkspace(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	ws := d.memberWS.ID.String()
	key := s.MintToken(s.Member, "", 0, []string{"workspace:read", "workspace_dormant:read", "template:read"},
		[]string{"workspace:" + ws, "template:*"})
	body := `{"checks":{"c":` + check("read", "workspace", ws, "", "") + `}}`
	if got := authCheck(t, s, key, body); string(got.body) != `{"c":true}`+"\n" {
		t.Fatalf("active: %s", got.body)
	}
	s.SetWorkspaceDormant(d.memberWS.ID, true)
	if got := authCheck(t, s, key, body); string(got.body) != `{"c":false}`+"\n" {
		t.Fatalf("dormant without a workspace_dormant entry: %s", got.body)
	}
}

func TestAuthCheckRejectsMalformedChecks(t *testing.T) {
	d := seed(t, Options{})
	s := d.s
	var ids []string
	for i := range 11 {
		ids = append(ids, fmt.Sprintf(`"c%02d":%s`, i, check("read", "workspace", d.memberWS.ID.String(), "", "")))
	}
	tests := []struct {
		name string
		body string
		want wantBody
	}{
		{"eleven resource ids", `{"checks":{` + strings.Join(ids, ",") + `}}`,
			wantBody{message: `Endpoint only supports using "resource_id" field 10 times, found 11 usages. Remove 1 objects with this field set.`}},
		{"no resource type", `{"checks":{"k":{"object":{},"action":"read"}}}`,
			wantBody{message: `Object's "resource_type" field must be defined for key "k".`}},
		{"id not a uuid", `{"checks":{"k":` + check("read", "workspace", "dev", "", "") + `}}`,
			wantBody{message: `Object "dev" id is not a valid uuid.`, validations: []validationError{{Field: "resource_id", Detail: "invalid UUID length: 3"}}}},
		{"id on a type that takes none", `{"checks":{"k":` + check("read", "organization_member", s.Member.ID.String(), "", "") + `}}`,
			wantBody{message: `Object type "organization_member" does not support "resource_id" field.`}},
		{"not json", `{"checks":`, wantBody{message: msgInvalidJSON, detail: "unexpected EOF"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectResponse(t, authCheck(t, s, s.Owner.SessionToken, tt.body), http.StatusBadRequest, tt.want)
		})
	}
	// Exactly ten is fine.
	if got := authCheck(t, s, s.Owner.SessionToken, `{"checks":{`+strings.Join(ids[:10], ",")+`}}`); got.status != http.StatusOK {
		t.Fatalf("ten resource ids: %d %s", got.status, got.body)
	}
}

func TestAuthCheckCanBeLeftOut(t *testing.T) {
	s := newTestServer(t, Options{WithoutRoutes: []string{"POST /api/v2/authcheck"}})
	expectResponse(t, authCheck(t, s, s.Owner.SessionToken, `{"checks":{}}`), http.StatusNotFound, wantBody{message: msgRouteNotFound})
}

func TestAuthCheckNeedsAKey(t *testing.T) {
	s := newTestServer(t, Options{})
	got := authCheck(t, s, "", `{"checks":{}}`)
	if got.status != http.StatusUnauthorized {
		t.Fatalf("status %d", got.status)
	}
}

// The resource_id cap and type list are from newer servers; older ones took any ID as given.
func TestAuthCheckOnAPreScopesServer(t *testing.T) {
	d := seed(t, Options{Generation: PreScopes})
	s := d.s
	var ids []string
	for i := range 11 {
		ids = append(ids, fmt.Sprintf(`"c%02d":%s`, i, check("read", "organization_member", s.Member.ID.String(), "", "")))
	}
	got := authCheck(t, s, s.Member.SessionToken, `{"checks":{`+strings.Join(ids, ",")+`}}`)
	if got.status != http.StatusOK || strings.Contains(string(got.body), "true") {
		t.Fatalf("status %d: %s (a member may not read an ID-only organization_member object with no org)", got.status, got.body)
	}
	got = authCheck(t, s, s.Owner.SessionToken, `{"checks":{"k":`+check("read", "organization_member", s.Member.ID.String(), "", "")+`}}`)
	if string(got.body) != `{"k":true}`+"\n" {
		t.Fatalf("owner: %d %s", got.status, got.body)
	}
}
