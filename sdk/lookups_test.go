package sdk

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
)

func decodeOnly[T any](t *testing.T, name string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(fixture(t, name), &v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return v
}

var (
	fixtureOrg      = uuid.MustParse("7c60d51f-b44e-4682-87d6-449835ea4de6")
	fixtureTemplate = uuid.MustParse("0d286645-29aa-4eaf-9b52-cc5d2740c90b")
	fixtureVersion  = uuid.MustParse("5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9")
	fixtureMember   = uuid.MustParse("b2f1c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d")
	fixtureWS       = uuid.MustParse("8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")
)

func TestLookupFixtures(t *testing.T) {
	org := decodeOnly[Organization](t, "organization.json")
	if org.ID != fixtureOrg || org.Name != "coder" || !org.IsDefault {
		t.Errorf("organization: %+v", org)
	}
	tpl := decodeOnly[Template](t, "template.json")
	if tpl.ID != fixtureTemplate || tpl.OrganizationID != fixtureOrg || tpl.Name != "docker" ||
		tpl.ActiveVersionID != uuid.MustParse("3b4f1e8a-2c1d-4e5f-8a9b-0c1d2e3f4a5b") {
		t.Errorf("template: %+v", tpl)
	}
	v := decodeOnly[TemplateVersion](t, "template_version.json")
	if v.ID != fixtureVersion || v.TemplateID == nil || *v.TemplateID != fixtureTemplate {
		t.Errorf("template version: %+v", v)
	}
	if orphan := decodeOnly[TemplateVersion](t, "template_version_orphan.json"); orphan.TemplateID != nil {
		t.Errorf("a version without a template decoded template_id %v", orphan.TemplateID)
	}
	g := decodeOnly[Group](t, "group.json")
	if g.Name != "devs" || g.OrganizationID != fixtureOrg || g.TotalMemberCount != 1 {
		t.Errorf("group: %+v", g)
	}
	ws := decodeOnly[Workspace](t, "workspace_dormant.json")
	wantDormant := mustTime(t, "2026-02-20T08:00:00Z")
	if ws.ID != fixtureWS || ws.OwnerID != fixtureMember || ws.OwnerName != "member" || ws.OrganizationID != fixtureOrg ||
		ws.TemplateID != fixtureTemplate || ws.LatestBuild.TemplateVersionID != fixtureVersion ||
		ws.DormantAt == nil || !ws.DormantAt.Equal(wantDormant) || ws.Name != "dev" || !ws.Outdated {
		t.Errorf("workspace: %+v", ws)
	}
}

func TestAuthorizationFixtures(t *testing.T) {
	req := AuthorizationRequest{Checks: map[string]AuthorizationCheck{
		"read-dev": {Action: "read", Object: AuthorizationObject{ResourceType: "workspace", ResourceID: fixtureWS.String()}},
		"create-in-org": {Action: "create", Object: AuthorizationObject{ResourceType: "workspace", OwnerID: "me",
			OrganizationID: fixtureOrg.String()}},
	}}
	encoded, err := encodeJSON(req)
	if err != nil {
		t.Fatal(err)
	}
	// Empty fields are left out: the server would read "" owner_id as an owner.
	assertJSONEqual(t, encoded, fixture(t, "authcheck_request.json"))
	answer := decodeOnly[AuthorizationResponse](t, "authcheck_response.json")
	if len(answer) != 2 || !answer["read-dev"] || answer["create-in-org"] {
		t.Errorf("response: %v", answer)
	}
}

// Some servers answer a missing organization with two JSON values; the first is the error.
func TestErrorWithTwoBodiesReadsTheFirst(t *testing.T) {
	e := errorFromBody(httpAnswer{method: http.MethodGet, url: "https://c.example/api/v2/organizations/acme", status: 404,
		contentType: "application/json; charset=utf-8", body: fixture(t, "error_two_bodies.json")}, nil)
	if e.Message != "Resource not found or you do not have access to this resource" || e.Detail != "" {
		t.Fatalf("got %+v", e.Response)
	}
	if !IsNotFound(e) {
		t.Fatal("not a 404")
	}
}
