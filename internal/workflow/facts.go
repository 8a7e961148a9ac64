package workflow

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Facts is what the server says a request must be checked against.
type Facts struct {
	Catalog     *scopes.Catalog
	CatalogNote string        // why the bundled snapshot was used, if it was
	MaxLifetime time.Duration // 0 when not fetched
}

// NoCatalogNote explains the snapshot fallback for a server without GET /auth/scopes.
const NoCatalogNote = "the server has no scope catalog (it predates v2.27), so the bundled snapshot was used"

// Minter runs the token workflow against one server.
type Minter struct {
	Client *sdk.Client
}

// Facts asks, concurrently, for everything a dry run shows: the token config
// (when a lifetime was given) and the scope catalog (when scopes or allow
// entries were given).
func (m *Minter) Facts(ctx context.Context, plan Plan) (Facts, error) {
	return m.facts(ctx, plan, plan.HasLifetime(), len(plan.Scopes) > 0 || plan.Deferred())
}

func (m *Minter) facts(ctx context.Context, plan Plan, wantConfig, wantCatalog bool) (Facts, error) {
	facts := Facts{Catalog: scopes.Snapshot()}
	var wg sync.WaitGroup
	var configErr, catalogErr error
	if wantConfig {
		wg.Go(func() {
			var cfg sdk.TokenConfig
			cfg, configErr = m.Client.TokenConfig(ctx, plan.Target())
			facts.MaxLifetime = cfg.MaxTokenLifetime
		})
	}
	if wantCatalog {
		wg.Go(func() { facts.Catalog, facts.CatalogNote, catalogErr = m.catalog(ctx) })
	}
	wg.Wait()
	if configErr != nil {
		return facts, fmt.Errorf("cannot read the token config of user %q: %w", plan.Target(), configErr)
	}
	return facts, catalogErr
}

// catalog reads the server's scope catalog; a server without one (404) gets
// the snapshot and a note saying so.
func (m *Minter) catalog(ctx context.Context) (*scopes.Catalog, string, error) {
	live, err := m.Client.ScopeCatalog(ctx)
	switch {
	case err == nil:
		return scopes.FromNames(live.External), "", nil
	case sdk.IsNotFound(err):
		return scopes.Snapshot(), NoCatalogNote, nil
	default:
		return scopes.Snapshot(), "", fmt.Errorf("cannot read the scope catalog: %w", err)
	}
}

// Check holds plan against facts and returns the lifetime to request (0:
// the server's default). Names the catalog lacks are an *UnofferedScopesError
// or a *CatalogError; a lifetime over the maximum a *LifetimeError.
func (m *Minter) Check(ctx context.Context, plan Plan, facts Facts) (time.Duration, error) {
	if err := CheckCatalog(plan, facts); err != nil {
		return 0, err
	}
	requested := plan.Lifetime.Duration
	if plan.Lifetime.Max {
		requested = facts.MaxLifetime
	}
	if plan.HasLifetime() && requested > facts.MaxLifetime {
		return 0, m.lifetimeError(ctx, plan.Target(), requested, facts.MaxLifetime)
	}
	return requested, nil
}

// CheckCatalog holds the deferred names and types against the catalog, and
// the snapshot-vouched names against a live catalog that may lack them.
func CheckCatalog(plan Plan, facts Facts) error {
	scopeErr := scopes.CheckDeferredScopes(facts.Catalog, plan.UnknownScopes)
	allowErr := scopes.CheckDeferredTypes(facts.Catalog, plan.Allow, plan.UnknownTypes)
	if scopeErr != nil || allowErr != nil {
		return &CatalogError{Scopes: scopeErr, Allow: allowErr, Source: facts.Catalog.Source(), Note: facts.CatalogNote}
	}
	if missing := unoffered(facts.Catalog, plan.Scopes); len(missing) > 0 {
		return &UnofferedScopesError{Names: missing}
	}
	return nil
}

// unoffered lists the requested names a live catalog lacks.
func unoffered(catalog *scopes.Catalog, requested []scopes.Scope) []string {
	if catalog.Source() != scopes.SourceLive {
		return nil
	}
	var missing []string
	for _, s := range requested {
		if !catalog.Has(s.Name) {
			missing = append(missing, s.Name)
		}
	}
	return missing
}

// lifetimeError looks up the target user, on this failure path only, so
// the message can say which cap applies.
func (m *Minter) lifetimeError(ctx context.Context, user string, requested, max time.Duration) error {
	e := &LifetimeError{Requested: requested, Max: max}
	if u, err := m.Client.User(ctx, user); err == nil {
		e.Username, e.Owner, e.Known = u.Username, u.IsOwner(), true
	}
	return e
}
