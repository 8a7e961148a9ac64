package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

func labels(checks []Check) []string {
	out := make([]string, len(checks))
	for i, c := range checks {
		out[i] = c.Label
	}
	return out
}

func TestPlanChecksFromClaims(t *testing.T) {
	ws := sdk.Workspace{ID: uuid.New(), OwnerID: uuid.New(), OwnerName: "alice", Name: "dev", TemplateID: uuid.New(),
		TemplateName: "docker", OrganizationID: uuid.New(), LatestBuild: sdk.WorkspaceBuild{TemplateVersionID: uuid.New()}}
	w, tpl, ver, owner := ws.ID.String(), ws.TemplateID.String(), ws.LatestBuild.TemplateVersionID.String(), ws.OwnerID.String()
	claims := Claims{
		Catalog: scopes.Snapshot(),
		Scopes:  []string{"coder:workspaces.access", "user:read"},
		AllowList: []scopes.AllowEntry{{Type: "workspace", ID: w}, {Type: "template", ID: tpl}, {Type: "template", ID: ver},
			{Type: "user", ID: owner}, {Type: "organization_member", ID: owner}, {Type: "workspace_dormant", ID: w}},
		Workspaces:     []sdk.Workspace{ws},
		OrganizationID: ws.OrganizationID.String(),
	}
	checks, skipped := PlanChecks(claims)
	want := []string{"read:template:" + tpl, "read:user:" + owner,
		"application_connect:workspace:" + w, "read:workspace:" + w, "ssh:workspace:" + w}
	got := labels(checks)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("checks\n got %v\nwant %v", got, want)
	}
	var skippedWhat []string
	for _, s := range skipped {
		skippedWhat = append(skippedWhat, s.What)
	}
	wantSkipped := []string{"organization_member:" + owner, "template:" + ver, "workspace_dormant:" + w}
	slices.Sort(skippedWhat)
	slices.Sort(wantSkipped)
	if !slices.Equal(skippedWhat, wantSkipped) {
		t.Fatalf("skipped %v, want %v (%+v)", skippedWhat, wantSkipped, skipped)
	}
	for _, s := range skipped {
		if s.What == "template:"+ver && !strings.Contains(s.Reason, "template version of workspace alice/dev") {
			t.Errorf("version skip reason: %q", s.Reason)
		}
		if s.What == "workspace_dormant:"+w && !strings.Contains(s.Reason, "no scope of the key grants any action on workspace_dormant") {
			t.Errorf("dormant skip reason: %q", s.Reason)
		}
	}
	for _, c := range checks {
		if c.Missing != "" {
			t.Errorf("%s: claims cover it, yet likely missing %q", c.Label, c.Missing)
		}
	}
}

func TestPlanChecksForWildcardsAndGaps(t *testing.T) {
	ws := sdk.Workspace{ID: uuid.New(), OwnerID: uuid.New(), TemplateID: uuid.New()}
	claims := Claims{
		Catalog:        scopes.Snapshot(),
		Scopes:         []string{"workspace:create", "workspace:read"},
		AllowList:      []scopes.AllowEntry{{Type: "workspace", ID: "*"}},
		Workspaces:     []sdk.Workspace{ws},
		OrganizationID: "org-1",
	}
	checks, _ := PlanChecks(claims)
	byLabel := map[string]Check{}
	for _, c := range checks {
		byLabel[c.Label] = c
	}
	create := byLabel["create:workspace:*"]
	if create.Owner != "me" || create.Org != "org-1" || create.ID != "" {
		t.Errorf("wildcard check %+v, want owner me in org-1 without an ID", create)
	}
	// The closure's template read: nothing admits templates, and no scope grants it.
	if c := byLabel["read:template:"+ws.TemplateID.String()]; c.Missing != "allow-list entry template:"+ws.TemplateID.String() {
		t.Errorf("template read likely missing %q", c.Missing)
	}
	claims.AllowList = []scopes.AllowEntry{{Type: "*", ID: "*"}}
	if c := LikelyMissing(claims, Check{Action: "read", Type: "template", ID: ws.TemplateID.String()}); c != "scope template:read" {
		t.Errorf("likely missing %q, want scope template:read", c)
	}
}

func TestBatchKeepsTenResourceIDsPerRequest(t *testing.T) {
	var checks []Check
	for i := range 23 {
		checks = append(checks, Check{Action: "read", Type: "workspace", ID: fmt.Sprint(i)})
	}
	checks = append(checks, Check{Action: "create", Type: "workspace", Owner: "me"}, Check{Action: "read", Type: "organization"})
	batches := batch(checks)
	total := 0
	for _, b := range batches {
		ids := 0
		for _, i := range b {
			if checks[i].ID != "" {
				ids++
			}
		}
		if ids > sdk.MaxAuthCheckResourceIDs {
			t.Errorf("a batch carries %d resource IDs", ids)
		}
		total += len(b)
	}
	if len(batches) != 3 || total != len(checks) {
		t.Fatalf("%d batches with %d checks, want 3 with %d", len(batches), total, len(checks))
	}
	if batch(nil) != nil {
		t.Error("no checks should make no requests")
	}
}

func TestVerifyAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	ws := demo.MemberWS
	session := clientFor(t, srv, srv.Member.SessionToken)
	ctx := context.Background()
	closure := []string{"workspace:" + ws.ID.String()}
	for _, d := range WorkspaceClosure(mustWorkspace(t, session, ws.ID), "") {
		closure = append(closure, d.Entry.String())
	}
	tests := []struct {
		name       string
		scopes     []string
		allow      []string
		wantDenied []string // labels
	}{
		{"the whole closure", []string{"coder:workspaces.access", "user:read"}, closure, nil},
		// authcheck judges the workspace alone and allows ssh, but a real `coder ssh`
		// also reads the template and the owner: the closure checks catch that.
		{"only the workspace", []string{"coder:workspaces.access", "user:read"}, closure[:1], []string{
			"read:template:" + ws.TemplateID.String(), "read:user:" + srv.Member.ID.String()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := srv.MintToken(srv.Member, "", 0, tt.scopes, tt.allow)
			entries, err := scopes.ParseAllowList(scopes.Snapshot(), tt.allow)
			if err != nil {
				t.Fatal(err)
			}
			srv.ResetRequests()
			results, _, err := Verify(ctx, clientFor(t, srv, key), session, Claims{Catalog: scopes.Snapshot(), Scopes: tt.scopes,
				AllowList: entries, OrganizationID: demo.Organization.ID.String()})
			if err != nil {
				t.Fatal(err)
			}
			var denied []string
			for _, r := range results {
				if !r.Allowed {
					denied = append(denied, r.Label)
				}
			}
			slices.Sort(denied)
			slices.Sort(tt.wantDenied)
			if len(results) == 0 || !slices.Equal(denied, tt.wantDenied) {
				t.Fatalf("denied %v, want %v (all: %+v)", denied, tt.wantDenied, results)
			}
			for _, r := range srv.Requests() {
				if r.Route == "POST /api/v2/authcheck" && r.Header.Get("Coder-Session-Token") != key {
					t.Error("authcheck was not asked as the key under test")
				}
			}
		})
	}
}

func mustWorkspace(t *testing.T, c *sdk.Client, id uuid.UUID) sdk.Workspace {
	t.Helper()
	ws, err := c.Workspace(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return ws
}

func TestRunChecksBatchesAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	var checks []Check
	for i := range 12 {
		id := uuid.NewString()
		if i == 0 {
			id = demo.MemberWS.ID.String()
		}
		checks = append(checks, Check{Action: "read", Type: "workspace", ID: id, Label: fmt.Sprint(i)})
	}
	results, err := RunChecks(context.Background(), clientFor(t, srv, srv.Member.SessionToken), checks)
	if err != nil {
		t.Fatal(err)
	}
	if !results[0].Allowed || slices.ContainsFunc(results[1:], func(r CheckResult) bool { return r.Allowed }) {
		t.Fatalf("results %+v", results)
	}
	for _, r := range srv.Requests() {
		if r.Route != "POST /api/v2/authcheck" {
			continue
		}
		var body sdk.AuthorizationRequest
		if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Checks) > sdk.MaxAuthCheckResourceIDs {
			t.Errorf("a request carried %d checks (%v)", len(body.Checks), err)
		}
	}
}

func TestRunChecksOnAServerWithoutAuthCheck(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{WithoutRoutes: []string{"POST /api/v2/authcheck"}})
	_, err := RunChecks(context.Background(), clientFor(t, srv, srv.Owner.SessionToken), []Check{{Action: "read", Type: "workspace", Owner: "me"}})
	if !errors.Is(err, ErrNoAuthCheck) {
		t.Fatalf("got %v", err)
	}
}
