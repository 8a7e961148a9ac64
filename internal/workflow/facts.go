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

// Facts asks, concurrently, for the token config (only when a lifetime must
// be checked) and the scope catalog (only when scopes were given).
func (m *Minter) Facts(ctx context.Context, plan Plan) (Facts, error) {
	facts := Facts{Catalog: scopes.Snapshot()}
	var wg sync.WaitGroup
	var configErr, catalogErr error
	if plan.HasLifetime() {
		wg.Go(func() {
			var cfg sdk.TokenConfig
			cfg, configErr = m.Client.TokenConfig(ctx, plan.Target())
			facts.MaxLifetime = cfg.MaxTokenLifetime
		})
	}
	var live sdk.ScopeCatalog
	if len(plan.Scopes) > 0 {
		wg.Go(func() { live, catalogErr = m.Client.ScopeCatalog(ctx) })
	}
	wg.Wait()
	if configErr != nil {
		return facts, fmt.Errorf("cannot read the token config of user %q: %w", plan.Target(), configErr)
	}
	switch {
	case len(plan.Scopes) == 0:
	case catalogErr == nil:
		facts.Catalog = scopes.FromNames(live.External)
	case sdk.IsNotFound(catalogErr):
		facts.CatalogNote = NoCatalogNote
	default:
		return facts, fmt.Errorf("cannot read the scope catalog: %w", catalogErr)
	}
	return facts, nil
}

// Check holds plan against facts and returns the lifetime to request (0:
// the server's default). A scope the live catalog lacks is an
// *UnofferedScopesError; a lifetime over the maximum a *LifetimeError.
func (m *Minter) Check(ctx context.Context, plan Plan, facts Facts) (time.Duration, error) {
	if missing := unoffered(facts.Catalog, plan.Scopes); len(missing) > 0 {
		return 0, &UnofferedScopesError{Names: missing}
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

// unoffered lists the requested names a live catalog lacks; the snapshot
// vouched for them already.
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
