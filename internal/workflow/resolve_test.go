package workflow

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/sdk"
)

func TestResolveNamesAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	demo := srv.SeedDemo()
	org := demo.Organization.ID.String()
	fixed := uuid.NewString()
	entries := parse(t, "workspace:admin/dev", "workspace:dev", "template:docker", "template:coder/docker",
		"user:me", "user:member", "organization_member:member", "organization:default", "group:devs",
		"workspace:"+fixed, "template:*")
	srv.ResetRequests()

	got, err := Resolve(context.Background(), clientFor(t, srv, srv.Owner.SessionToken), entries, ResolveOptions{Owner: "member"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ entry, from string }{
		{"workspace:" + demo.Workspace.ID.String(), "workspace:admin/dev"},
		{"workspace:" + demo.MemberWS.ID.String(), "workspace:dev"}, // owned by the --user target
		{"template:" + demo.Template.ID.String(), "template:docker"},
		{"template:" + demo.Template.ID.String(), "template:coder/docker"},
		{"user:" + srv.Owner.ID.String(), "user:me"},
		{"user:" + srv.Member.ID.String(), "user:member"},
		{"organization_member:" + srv.Member.ID.String(), "organization_member:member"},
		{"organization:" + org, "organization:default"},
		{"group:" + demo.Group.ID.String(), "group:devs"},
		{"workspace:" + fixed, ""},
		{"template:*", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Entry.String() != w.entry || got[i].From != w.from || got[i].Entry.IsNamed() {
			t.Errorf("entry %d = %s from %q, want %s from %q", i, got[i].Entry, got[i].From, w.entry, w.from)
		}
	}
	if got[0].Workspace == nil || got[0].Workspace.TemplateID != demo.Template.ID {
		t.Errorf("the workspace lookup is not kept for the closure: %+v", got[0].Workspace)
	}
	// Each distinct name once: user:member and organization_member:member share a lookup.
	for route, n := range map[string]int{
		"GET /api/v2/users/{user}": 2,
		"GET /api/v2/organizations/{organization}/templates/{templatename}": 2, // "default" and "coder" are different names
		"GET /api/v2/users/{user}/workspace/{workspacename}":                2,
		"GET /api/v2/organizations/{organization}":                          1,
		"GET /api/v2/organizations/{organization}/groups/{groupname}":       1,
		"GET /api/v2/workspaces/{workspace}":                                0,
	} {
		if got := requestsTo(srv, route); got != n {
			t.Errorf("%s: %d requests, want %d", route, got, n)
		}
	}
}

func TestResolveReportsEveryNameThatDoesNotResolve(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	srv.SeedDemo()
	entries := parse(t, "workspace:admin/dve", "template:docker", "template:dokcer", "user:nobody")
	got, err := Resolve(context.Background(), clientFor(t, srv, srv.Owner.SessionToken), entries, ResolveOptions{})
	if got != nil || err == nil {
		t.Fatalf("got %v, %v", got, err)
	}
	var nameErr *NameError
	if !errors.As(err, &nameErr) || !sdk.IsNotFound(err) {
		t.Fatalf("want a not-found NameError, got %T %v", err, err)
	}
	for _, want := range []string{
		`allow-list entry "workspace:admin/dve" does not resolve: no workspace "dve" of user "admin" (GET /api/v2/users/admin/workspace/dve: 404 Resource not found or you do not have access to this resource)`,
		`allow-list entry "template:dokcer" does not resolve: no template "dokcer" in organization "default" (GET /api/v2/organizations/default/templates/dokcer: 404 `,
		`allow-list entry "user:nobody" does not resolve: no user "nobody" (GET /api/v2/users/nobody: 404 Resource not found`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), `"template:docker"`) {
		t.Errorf("a name that resolved is reported:\n%v", err)
	}
}

func TestResolveWithoutNamesAsksNothing(t *testing.T) {
	got, err := Resolve(context.Background(), nil, parse(t, "workspace:*", "user:"+uuid.NewString()), ResolveOptions{})
	if err != nil || len(got) != 2 {
		t.Fatalf("got %v, %v", got, err)
	}
}

// barrierLookups answers only once `want` different lookups are in flight at the
// same time, so the test passes only if Resolve asks concurrently.
type barrierLookups struct {
	want    int
	mu      sync.Mutex
	started int
	calls   map[string]int
	all     chan struct{}
}

func (b *barrierLookups) arrive(ctx context.Context, what string) error {
	b.mu.Lock()
	b.calls[what]++
	b.started++
	if b.started == b.want {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (b *barrierLookups) User(ctx context.Context, user string) (sdk.User, error) {
	return sdk.User{ID: uuid.New()}, b.arrive(ctx, "user "+user)
}
func (b *barrierLookups) Organization(ctx context.Context, org string) (sdk.Organization, error) {
	return sdk.Organization{ID: uuid.New()}, b.arrive(ctx, "org "+org)
}
func (b *barrierLookups) Template(ctx context.Context, org, name string) (sdk.Template, error) {
	return sdk.Template{ID: uuid.New()}, b.arrive(ctx, "template "+org+"/"+name)
}
func (b *barrierLookups) Group(ctx context.Context, org, name string) (sdk.Group, error) {
	return sdk.Group{ID: uuid.New()}, b.arrive(ctx, "group "+org+"/"+name)
}
func (b *barrierLookups) WorkspaceByOwnerAndName(ctx context.Context, owner, name string) (sdk.Workspace, error) {
	return sdk.Workspace{ID: uuid.New()}, b.arrive(ctx, "workspace "+owner+"/"+name)
}
func (b *barrierLookups) Workspace(ctx context.Context, id uuid.UUID) (sdk.Workspace, error) {
	return sdk.Workspace{ID: id}, b.arrive(ctx, "workspace "+id.String())
}

func TestResolveAsksDistinctNamesConcurrentlyAndOnce(t *testing.T) {
	api := &barrierLookups{want: 4, calls: map[string]int{}, all: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	entries := parse(t, "workspace:alice/dev", "template:docker", "user:alice", "organization_member:alice",
		"workspace:alice/dev", "group:devs")
	if _, err := Resolve(ctx, api, entries, ResolveOptions{}); err != nil {
		t.Fatalf("lookups were not concurrent (or not all asked): %v", err)
	}
	for what, n := range api.calls {
		if n != 1 {
			t.Errorf("%s asked %d times", what, n)
		}
	}
	if len(api.calls) != 4 {
		t.Errorf("asked %v, want 4 distinct lookups", api.calls)
	}
}
