package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Prepared is a plan made ready to post: names resolved, dependencies
// added, the lifetime settled.
type Prepared struct {
	Plan    Plan
	Request sdk.CreateTokenRequest // carries only canonical UUIDs and wildcards
	// Facts holds the live catalog when it had to be read before the POST,
	// else the bundled snapshot (which vouched for every name); MaxLifetime
	// only when it was needed.
	Facts Facts
	// Resolved is the allow list with names replaced by UUIDs, in the order
	// given; Added is what --with-deps added, one entry and reason each.
	Resolved []Resolved
	Added    []Dependency
	// Capped is set when DefaultLifetime was more than the user may have
	// and the maximum was asked for instead.
	Capped bool
	// FindMissingDeps asks Mint to look up, beside the read-back, what the
	// workspace entries also need (for a warning naming the real entries).
	FindMissingDeps bool
	// Verifier, when set, builds a checker that asks authcheck as the new
	// key; Mint then verifies, beside the read-back, what the token is for
	// whenever its allow list names specific objects. RequireVerified
	// revokes a token with any denied check (*UnverifiedError).
	Verifier        func(key string) (AuthChecker, error)
	RequireVerified bool
}

// Entries is the final allow list: the resolved entries, then the added ones.
func (p Prepared) Entries() []scopes.AllowEntry {
	out := Entries(p.Resolved)
	for _, d := range p.Added {
		out = append(out, d.Entry)
	}
	return out
}

// TooManyEntriesError: the allow list, dependencies included, is over the server's cap.
type TooManyEntriesError struct {
	Count, Added int
}

func (e *TooManyEntriesError) Error() string {
	msg := fmt.Sprintf("allow_list has %d entries; max allowed is %d", e.Count, scopes.MaxAllowListEntries)
	if e.Added > 0 {
		msg += fmt.Sprintf(" (%d of them added by --with-deps)", e.Added)
	}
	return msg
}

// Prepare does only what cannot wait for the server's verdict on the POST,
// all of it concurrently: resolving named entries (each distinct name once)
// and, with WithDeps, looking up workspaces given by UUID; the live catalog
// when a name or type is one the snapshot lacks (the server must vouch for
// it before anything is minted); the token config when the POST needs the
// number (--lifetime max, or a default lifetime to cap). Everything else the
// server checks itself and Mint explains a refusal, so the common create is
// POST, then read-back.
func (m *Minter) Prepare(ctx context.Context, plan Plan) (Prepared, error) {
	return m.prepare(ctx, plan, plan.Lifetime.Max || plan.defaulted(), plan.Deferred(), false)
}

// PrepareDryRun is Prepare for --dry-run: it also reads whatever a dry run
// shows (the catalog for any scope, the maximum for any lifetime) and holds
// the plan against it, since no POST will.
func (m *Minter) PrepareDryRun(ctx context.Context, plan Plan) (Prepared, error) {
	return m.prepare(ctx, plan, plan.HasLifetime() || plan.defaulted(), len(plan.Scopes) > 0 || plan.Deferred(), true)
}

func (m *Minter) prepare(ctx context.Context, plan Plan, wantConfig, wantCatalog, check bool) (Prepared, error) {
	var (
		wg                sync.WaitGroup
		facts             Facts
		factsErr          error
		resolved          []Resolved
		resolveErr        error
		workspaces        map[uuid.UUID]sdk.Workspace
		workspaceErr      error
		wantWorkspaceByID = plan.WithDeps && hasWorkspaceIDs(plan.Allow)
	)
	wg.Go(func() { facts, factsErr = m.facts(ctx, plan, wantConfig, wantCatalog) })
	wg.Go(func() {
		resolved, resolveErr = Resolve(ctx, m.Client, plan.Allow, ResolveOptions{Owner: plan.Target()})
	})
	if wantWorkspaceByID {
		wg.Go(func() { workspaces, workspaceErr = m.workspacesByID(ctx, plan.Allow) })
	}
	wg.Wait()
	if err := errors.Join(factsErr, resolveErr, workspaceErr); err != nil {
		return Prepared{}, err
	}
	if plan.Deferred() || check {
		if err := CheckCatalog(plan, facts); err != nil {
			return Prepared{}, err
		}
	}

	p := Prepared{Plan: plan, Facts: facts, Resolved: resolved}
	if plan.WithDeps {
		for i := range p.Resolved {
			if ws, ok := workspaces[uuidOf(p.Resolved[i].Entry)]; ok && p.Resolved[i].Workspace == nil {
				p.Resolved[i].Workspace = &ws
			}
		}
		// Every workspace is known now, so this asks the server nothing.
		added, err := Closure(ctx, m.Client, p.Resolved)
		if err != nil {
			return Prepared{}, err
		}
		p.Added = added
	}
	if n := len(p.Entries()); n > scopes.MaxAllowListEntries {
		return Prepared{}, &TooManyEntriesError{Count: n, Added: len(p.Added)}
	}

	requested := plan.Lifetime.Duration
	switch {
	case plan.Lifetime.Max:
		requested = facts.MaxLifetime
	case plan.defaulted():
		requested = plan.DefaultLifetime
		if facts.MaxLifetime > 0 && facts.MaxLifetime < requested {
			requested, p.Capped = facts.MaxLifetime, true
		}
	}
	if check && plan.HasLifetime() && requested > facts.MaxLifetime {
		return Prepared{}, m.lifetimeError(ctx, plan.Target(), requested, facts.MaxLifetime)
	}
	p.Request = request(plan, p.Entries(), requested)
	return p, nil
}

func hasWorkspaceIDs(entries []scopes.AllowEntry) bool {
	for _, e := range entries {
		if e.Type == "workspace" && !e.IsNamed() && e.ID != "*" {
			return true
		}
	}
	return false
}

func uuidOf(e scopes.AllowEntry) uuid.UUID {
	id, _ := uuid.Parse(e.ID)
	return id
}

// workspacesByID looks up the workspaces given by UUID, each once,
// concurrently, for their closure.
func (m *Minter) workspacesByID(ctx context.Context, entries []scopes.AllowEntry) (map[uuid.UUID]sdk.Workspace, error) {
	var ids []scopes.AllowEntry
	for _, e := range entries {
		if e.Type == "workspace" && !e.IsNamed() && e.ID != "*" {
			ids = append(ids, e)
		}
	}
	resolved := make([]Resolved, len(ids))
	for i, e := range ids {
		resolved[i] = Resolved{Entry: e}
	}
	found, err := closureWorkspaces(ctx, m.Client, resolved)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]sdk.Workspace, len(found))
	for _, ws := range found {
		out[ws.ID] = ws
	}
	return out, nil
}
