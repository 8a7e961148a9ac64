package sdk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/sdk"
)

func TestLookupsAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	org := srv.DefaultOrganization()
	tpl := srv.AddTemplate(org.ID, "docker")
	ws := srv.AddWorkspace(srv.Member, "dev", tpl.ID)
	group := srv.AddGroup(org.ID, "devs", srv.Member)
	ctx := context.Background()
	c := clientFor(t, srv, srv.Owner.SessionToken)

	gotOrg, err := c.Organization(ctx, "default")
	if err != nil || gotOrg.ID != org.ID || gotOrg.Name != "coder" {
		t.Fatalf("Organization: %+v, %v", gotOrg, err)
	}
	gotTpl, err := c.Template(ctx, "coder", "docker")
	if err != nil || gotTpl.ID != tpl.ID || gotTpl.ActiveVersionID != tpl.ActiveVersionID {
		t.Fatalf("Template: %+v, %v", gotTpl, err)
	}
	gotVersion, err := c.TemplateVersion(ctx, tpl.ActiveVersionID)
	if err != nil || gotVersion.TemplateID == nil || *gotVersion.TemplateID != tpl.ID {
		t.Fatalf("TemplateVersion: %+v, %v", gotVersion, err)
	}
	byName, err := c.TemplateVersionByName(ctx, "coder", "docker", "v1")
	if err != nil || byName.ID != tpl.ActiveVersionID {
		t.Fatalf("TemplateVersionByName: %+v, %v", byName, err)
	}
	gotGroup, err := c.Group(ctx, org.ID.String(), "devs")
	if err != nil || gotGroup.ID != group.ID {
		t.Fatalf("Group: %+v, %v", gotGroup, err)
	}
	for name, lookup := range map[string]func() (sdk.Workspace, error){
		"by owner and name": func() (sdk.Workspace, error) { return c.WorkspaceByOwnerAndName(ctx, "member", "dev") },
		"by id":             func() (sdk.Workspace, error) { return c.Workspace(ctx, ws.ID) },
	} {
		got, err := lookup()
		if err != nil || got.ID != ws.ID || got.OwnerID != srv.Member.ID || got.OrganizationID != org.ID ||
			got.TemplateID != tpl.ID || got.LatestBuild.TemplateVersionID != tpl.ActiveVersionID || got.DormantAt != nil {
			t.Fatalf("workspace %s: %+v, %v", name, got, err)
		}
	}
}

func TestLookupMissesAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	c := clientFor(t, srv, srv.Owner.SessionToken)
	ctx := context.Background()
	misses := map[string]error{}
	_, misses["organization"] = c.Organization(ctx, "acme")
	_, misses["template"] = c.Template(ctx, "default", "nope")
	_, misses["version"] = c.TemplateVersion(ctx, uuid.New())
	_, misses["group"] = c.Group(ctx, "default", "ops")
	_, misses["workspace"] = c.WorkspaceByOwnerAndName(ctx, "admin", "prod")
	_, misses["workspace id"] = c.Workspace(ctx, uuid.New())
	for name, err := range misses {
		if !sdk.IsNotFound(err) {
			t.Errorf("%s: want a 404, got %v", name, err)
			continue
		}
		// The two-body organization 404 is read by its first value.
		if !strings.HasSuffix(err.Error(), ": unexpected status code 404: Resource not found or you do not have access to this resource") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestAuthCheckAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	org := srv.DefaultOrganization()
	tpl := srv.AddTemplate(org.ID, "docker")
	ws := srv.AddWorkspace(srv.Member, "dev", tpl.ID)
	key := srv.MintToken(srv.Member, "", 0, []string{"workspace:read"}, []string{"workspace:" + ws.ID.String()})
	ctx := context.Background()

	got, err := clientFor(t, srv, key).AuthCheck(ctx, sdk.AuthorizationRequest{Checks: map[string]sdk.AuthorizationCheck{
		"read":   {Action: "read", Object: sdk.AuthorizationObject{ResourceType: "workspace", ResourceID: ws.ID.String()}},
		"delete": {Action: "delete", Object: sdk.AuthorizationObject{ResourceType: "workspace", ResourceID: ws.ID.String()}},
		"create": {Action: "create", Object: sdk.AuthorizationObject{ResourceType: "workspace", OwnerID: "me", OrganizationID: org.ID.String()}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || !got["read"] || got["delete"] || got["create"] {
		t.Fatalf("verdicts %v", got)
	}

	_, err = clientFor(t, srv, key).AuthCheck(ctx, sdk.AuthorizationRequest{Checks: map[string]sdk.AuthorizationCheck{
		"k": {Action: "read", Object: sdk.AuthorizationObject{ResourceType: "organization_member", ResourceID: srv.Member.ID.String()}},
	}})
	if err == nil || !strings.Contains(err.Error(), `400: Object type "organization_member" does not support "resource_id" field.`) {
		t.Fatalf("want the server's 400, got %v", err)
	}

	none := coderdtest.New(t, coderdtest.Options{WithoutRoutes: []string{"POST /api/v2/authcheck"}})
	_, err = clientFor(t, none, none.Owner.SessionToken).AuthCheck(ctx, sdk.AuthorizationRequest{})
	if !sdk.IsNotFound(err) {
		t.Fatalf("server without authcheck: %v", err)
	}
}
