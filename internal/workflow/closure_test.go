package workflow

import (
	"context"
	"strings"
	"testing"

	"github.com/scopedtokens/coder/internal/coderdtest"
)

func TestClosureOfANamedWorkspace(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	srv.AddTemplateVersion(demo.Template.ID, "v2", true) // the build keeps v1: the closure must name v1
	client := clientFor(t, srv, srv.Owner.SessionToken)
	ctx := context.Background()
	resolved, err := Resolve(ctx, client, parse(t, "workspace:admin/dev"), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	deps, err := Closure(ctx, client, resolved)
	if err != nil {
		t.Fatal(err)
	}
	ws, owner := demo.Workspace, srv.Owner.ID.String()
	want := []struct{ entry, reason string }{
		{"template:" + ws.TemplateID.String(), `template "docker" of workspace admin/dev`},
		{"template:" + ws.TemplateVersionID.String(), "template version of admin/dev's latest build"},
		{"user:" + owner, `owner "admin" of workspace admin/dev`},
		{"organization_member:" + owner, `"admin"'s membership of organization "coder"`},
		{"workspace_dormant:" + ws.ID.String(), "workspace admin/dev once dormant"},
	}
	if len(deps) != len(want) {
		t.Fatalf("deps %+v", deps)
	}
	for i, w := range want {
		if deps[i].Entry.String() != w.entry || !strings.Contains(deps[i].Reason, w.reason) || deps[i].For != "workspace:admin/dev" {
			t.Errorf("dep %d = %+v, want %s (%s)", i, deps[i], w.entry, w.reason)
		}
		if strings.Contains(deps[i].Reason, "\n") {
			t.Errorf("reason is not one line: %q", deps[i].Reason)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("closure of a named workspace made %d requests; the name's lookup should serve", n)
	}
}

func TestClosureOfAWorkspaceByIDSkipsWhatTheListCovers(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	client := clientFor(t, srv, srv.Owner.SessionToken)
	ctx := context.Background()
	ws := demo.MemberWS.ID.String()
	// Listed twice and with template:* and the owner already there: one lookup, two deps.
	resolved, err := Resolve(ctx, client, parse(t, "workspace:"+ws, "template:*", "workspace:"+ws,
		"user:"+srv.Member.ID.String(), "workspace:*"), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv.ResetRequests()
	deps, err := Closure(ctx, client, resolved)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range deps {
		got = append(got, d.Entry.String())
	}
	want := []string{"organization_member:" + srv.Member.ID.String(), "workspace_dormant:" + ws}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("deps %v, want %v", got, want)
	}
	if n := requestsTo(srv, "GET /api/v2/workspaces/{workspace}"); n != 1 {
		t.Errorf("%d workspace lookups, want 1", n)
	}
}

func TestClosureOfAnUnreadableWorkspace(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	resolved, err := Resolve(context.Background(), nil, parse(t, "workspace:"+demo.Workspace.ID.String()), ResolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The member cannot read admin's workspace: the closure cannot be computed.
	_, err = Closure(context.Background(), clientFor(t, srv, srv.Member.SessionToken), resolved)
	want := `allow-list entry "workspace:` + demo.Workspace.ID.String() + `" does not resolve: no workspace ` + demo.Workspace.ID.String()
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want %q", err, want)
	}
}
