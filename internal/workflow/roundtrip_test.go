package workflow

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

const (
	routeCreate   = "POST /api/v2/users/{user}/keys/tokens"
	routeReadBack = "GET /api/v2/users/{user}/keys/{keyid}"
	routeCatalog  = "GET /api/v2/auth/scopes"
	routeConfig   = "GET /api/v2/users/{user}/keys/tokens/tokenconfig"
	routeUser     = "GET /api/v2/users/{user}"
)

func routes(reqs []coderdtest.RecordedRequest) []string {
	out := make([]string, len(reqs))
	for i, r := range reqs {
		out[i] = r.Route
	}
	return out
}

// The common create, --scope with a --lifetime, is two sequential requests
// on one connection: the POST, then the read-back. Nothing comes before the
// POST, because the snapshot vouches for the name and the server checks the
// lifetime itself.
func TestCreateIsTwoRoundTripsOnOneConnection(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	m := newMinter(t, srv)
	plan := mustPlan(t, []string{"workspace:read"}, []string{"workspace:*"})
	plan.Lifetime = lifetime.Lifetime{Duration: time.Hour}
	if _, err := mint(t, m, plan); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if got := routes(reqs); len(got) != 2 || got[0] != routeCreate || got[1] != routeReadBack {
		t.Fatalf("requests = %q, want exactly the POST then the read-back", got)
	}
	if reqs[0].RemoteAddr != reqs[1].RemoteAddr {
		t.Errorf("the read-back came from %s, the POST from %s: the connection was not reused", reqs[1].RemoteAddr, reqs[0].RemoteAddr)
	}
}

// What must precede the POST runs concurrently: with each answer delayed,
// the second request arrives before the first is answered.
func TestRequestsBeforeThePostOverlap(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := coderdtest.New(t, coderdtest.Options{ExtraScopes: []string{"workspace_execution:read"}})
	srv.AddFault(coderdtest.Fault{Route: routeCatalog, Delay: delay})
	srv.AddFault(coderdtest.Fault{Route: routeConfig, Delay: delay})
	m := newMinter(t, srv)
	parsed, unknown, err := scopes.ParseScopesDeferred(scopes.Snapshot(), []string{"workspace_execution:read"})
	if err != nil {
		t.Fatal(err)
	}
	plan := Plan{Scopes: parsed, UnknownScopes: unknown, Lifetime: lifetime.Lifetime{Max: true}}
	if _, err := mint(t, m, plan); err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if got := routes(reqs); len(got) != 4 || got[2] != routeCreate || got[3] != routeReadBack {
		t.Fatalf("requests = %q, want the catalog and token config, then the POST and read-back", got)
	}
	first, second := reqs[0], reqs[1]
	if gap := second.At.Sub(first.At); gap >= delay {
		t.Errorf("%s arrived %v after %s, which took %v to answer: they ran one after the other", second.Route, gap, first.Route, delay)
	}
	if !reqs[2].At.After(first.At.Add(delay)) || !reqs[2].At.After(second.At.Add(delay)) {
		t.Errorf("the POST left before the answers it depends on")
	}
}

// A refusal the local checks used to catch is explained as they did, with
// the facts fetched only now.
func TestRefusedPostIsExplainedLikeALocalCheck(t *testing.T) {
	t.Run("lifetime over the owner maximum", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{})
		m := newMinter(t, srv)
		plan := mustPlan(t, nil, nil)
		plan.Lifetime = lifetime.Lifetime{Duration: 30 * 24 * time.Hour}
		_, err := mint(t, m, plan)
		var tooLong *LifetimeError
		if !errors.As(err, &tooLong) {
			t.Fatalf("Mint = %v, want a *LifetimeError", err)
		}
		if tooLong.Max != 168*time.Hour || !tooLong.Known || !tooLong.Owner || tooLong.Username != "admin" {
			t.Errorf("LifetimeError = %+v, want the 168h owner maximum of admin", tooLong)
		}
		if got := routes(srv.Requests()); got[0] != routeCreate {
			t.Errorf("requests = %q, want the POST first", got)
		}
	})
	t.Run("scope the server does not offer", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{ScopeCatalog: []string{"coder:all", "workspace:read"}})
		m := newMinter(t, srv)
		_, err := mint(t, m, mustPlan(t, []string{"workspace:read", "template:read"}, nil))
		var unoffered *UnofferedScopesError
		if !errors.As(err, &unoffered) || len(unoffered.Names) != 1 || unoffered.Names[0] != "template:read" {
			t.Fatalf("Mint = %v, want template:read reported as not offered", err)
		}
	})
	t.Run("anything else stands as the server said it", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{})
		srv.AddFault(coderdtest.Fault{Route: routeCreate, Status: 400, Message: "Failed to create API key."})
		m := newMinter(t, srv)
		_, err := mint(t, m, mustPlan(t, []string{"workspace:read"}, nil))
		var post *PostError
		if !errors.As(err, &post) {
			t.Fatalf("Mint = %v, want a *PostError", err)
		}
		if got := routes(srv.Requests()); len(got) != 1 {
			t.Errorf("requests = %q, want only the POST", got)
		}
	})
}

// BenchmarkCreate measures a create with --scope, --allow and --lifetime
// against the stand-in with every answer delayed by one simulated round
// trip; round-trips/op is wall time over that delay.
func BenchmarkCreate(b *testing.B) {
	const rtt = 20 * time.Millisecond
	srv := coderdtest.New(b, coderdtest.Options{})
	srv.AddFault(coderdtest.Fault{Delay: rtt})
	u, _ := url.Parse(srv.URL)
	m := &Minter{Client: sdk.New(sdk.Config{URL: u, SessionToken: srv.Owner.SessionToken, MaxRetries: -1})}
	parsed, _ := scopes.ParseScopes(scopes.Snapshot(), []string{"workspace:read"})
	allow, _ := scopes.ParseAllowList(scopes.Snapshot(), []string{"workspace:*"})
	plan := Plan{Scopes: parsed, Allow: allow, Lifetime: lifetime.Lifetime{Duration: time.Hour}}
	start := time.Now()
	for b.Loop() {
		p, err := m.Prepare(context.Background(), plan)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Mint(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(rtt), "round-trips/op")
}

func namedPlan(t testing.TB, withDeps bool, allow ...string) Plan {
	parsed, err := scopes.ParseScopes(scopes.Snapshot(), []string{"coder:workspaces.access"})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := scopes.ParseAllowListWithNames(scopes.Snapshot(), allow)
	if err != nil {
		t.Fatal(err)
	}
	return Plan{Scopes: parsed, Allow: entries, WithDeps: withDeps}
}

// Two named entries and --with-deps: both lookups leave before either is
// answered, the closure reuses the workspace lookup, and the POST follows.
func TestNamedEntriesResolveConcurrentlyBeforeThePost(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := coderdtest.New(t, coderdtest.Options{})
	tpl := srv.AddTemplate(srv.DefaultOrganization().ID, "docker")
	srv.AddWorkspace(srv.Owner, "dev", tpl.ID)
	srv.AddFault(coderdtest.Fault{Delay: delay})
	m := newMinter(t, srv)
	res, err := mint(t, m, namedPlan(t, true, "workspace:admin/dev", "template:docker"))
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	got := routes(reqs)
	if len(got) != 4 || got[2] != routeCreate || got[3] != routeReadBack {
		t.Fatalf("requests = %q, want two lookups, then the POST and the read-back", got)
	}
	if gap := reqs[1].At.Sub(reqs[0].At); gap >= delay {
		t.Errorf("the second lookup left %v after the first, which took %v: they ran one after the other", gap, delay)
	}
	if n := len(res.Token.AllowList); n != 6 {
		t.Errorf("allow list = %v, want the workspace, its closure (5 entries, the template among them) and nothing else", res.Token.AllowList)
	}
}

// The 128-entry cap applies to the list --with-deps produces.
func TestWithDepsCountsTowardsTheCap(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	tpl := srv.AddTemplate(srv.DefaultOrganization().ID, "docker")
	srv.AddWorkspace(srv.Owner, "dev", tpl.ID)
	allow := []string{"workspace:admin/dev"}
	for i := range scopes.MaxAllowListEntries - 2 {
		allow = append(allow, fmt.Sprintf("file:%08d-0000-4000-8000-000000000000", i))
	}
	_, err := newMinter(t, srv).Prepare(context.Background(), namedPlan(t, true, allow...))
	var tooMany *TooManyEntriesError
	if !errors.As(err, &tooMany) || tooMany.Count != 132 || tooMany.Added != 5 {
		t.Fatalf("Prepare = %v, want 132 entries refused, 5 of them added", err)
	}
	for _, r := range srv.Requests() {
		if r.Route == routeCreate {
			t.Fatal("a list over the cap was posted")
		}
	}
}

// BenchmarkCreateNamedWithDeps is a create with two named entries and
// --with-deps, every answer delayed by one simulated round trip: the
// lookups take one round trip together, so the whole is about three.
func BenchmarkCreateNamedWithDeps(b *testing.B) {
	const rtt = 20 * time.Millisecond
	srv := coderdtest.New(b, coderdtest.Options{})
	tpl := srv.AddTemplate(srv.DefaultOrganization().ID, "docker")
	srv.AddWorkspace(srv.Owner, "dev", tpl.ID)
	srv.AddFault(coderdtest.Fault{Delay: rtt})
	u, _ := url.Parse(srv.URL)
	m := &Minter{Client: sdk.New(sdk.Config{URL: u, SessionToken: srv.Owner.SessionToken, MaxRetries: -1})}
	plan := namedPlan(b, true, "workspace:admin/dev", "template:docker")
	start := time.Now()
	for b.Loop() {
		p, err := m.Prepare(context.Background(), plan)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.Mint(context.Background(), p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start))/float64(b.N)/float64(rtt), "round-trips/op")
}

// Verification runs beside the read-back, not after it.
func TestVerificationOverlapsTheReadBack(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := coderdtest.New(t, coderdtest.Options{})
	tpl := srv.AddTemplate(srv.DefaultOrganization().ID, "docker")
	srv.AddWorkspace(srv.Owner, "dev", tpl.ID)
	m := newMinter(t, srv)
	// By name, so the workspace is known from resolving it and the checks
	// need no lookup first.
	plan := namedPlan(t, false, "workspace:admin/dev")
	p, err := m.Prepare(context.Background(), plan)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(srv.URL)
	p.Verifier = func(key string) (AuthChecker, error) {
		return sdk.New(sdk.Config{URL: u, SessionToken: key, MaxRetries: -1}), nil
	}
	srv.AddFault(coderdtest.Fault{Delay: delay})
	res, err := m.Mint(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || len(res.Verdicts) == 0 {
		t.Fatalf("result = %+v, want verdicts", res)
	}
	at := map[string]time.Time{}
	for _, r := range srv.Requests() {
		if _, seen := at[r.Route]; !seen {
			at[r.Route] = r.At
		}
	}
	readBack, check := at[routeReadBack], at["POST /api/v2/authcheck"]
	if readBack.IsZero() || check.IsZero() {
		t.Fatalf("requests = %q, want a read-back and an authcheck", routes(srv.Requests()))
	}
	if gap := check.Sub(readBack).Abs(); gap >= delay {
		t.Errorf("authcheck and read-back arrived %v apart, each answer taking %v: one waited for the other", gap, delay)
	}
}

// A workspace given by UUID is looked up once after the POST, though both
// the missing-dependencies warning and the verification need it.
func TestWorkspaceByIDIsLookedUpOnce(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	tpl := srv.AddTemplate(srv.DefaultOrganization().ID, "docker")
	ws := srv.AddWorkspace(srv.Owner, "dev", tpl.ID)
	m := newMinter(t, srv)
	p, err := m.Prepare(context.Background(), mustPlan(t, []string{"workspace:read"}, []string{"workspace:" + ws.ID.String()}))
	if err != nil {
		t.Fatal(err)
	}
	p.FindMissingDeps = true
	u, _ := url.Parse(srv.URL)
	p.Verifier = func(key string) (AuthChecker, error) {
		return sdk.New(sdk.Config{URL: u, SessionToken: key, MaxRetries: -1}), nil
	}
	res, err := m.Mint(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.MissingDeps) == 0 || !res.Verified || len(res.Verdicts) == 0 {
		t.Fatalf("result = %+v, want missing dependencies and verdicts", res)
	}
	lookups := 0
	for _, r := range srv.Requests() {
		if r.Route == "GET /api/v2/workspaces/{workspace}" {
			lookups++
		}
	}
	if lookups != 1 {
		t.Errorf("the workspace was looked up %d times, want once; requests %q", lookups, routes(srv.Requests()))
	}
}
