package workflow

import (
	"context"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Prepared is a plan made ready to post.
type Prepared struct {
	Plan    Plan
	Request sdk.CreateTokenRequest
	// Catalog is the live catalog when it had to be read before the POST,
	// else the bundled snapshot (which vouched for every name).
	Catalog     *scopes.Catalog
	CatalogNote string
}

// Prepare does only what cannot wait for the server's verdict on the POST:
// the live catalog when a name or type is one the snapshot lacks (the
// server must vouch for it before anything is minted), and the token config
// for --lifetime max (the POST needs the number). Both run concurrently.
// Everything else the server checks itself, and Mint explains a refusal;
// the common create is therefore POST, then read-back.
func (m *Minter) Prepare(ctx context.Context, plan Plan) (Prepared, error) {
	facts, err := m.facts(ctx, plan, plan.Lifetime.Max, plan.deferred())
	if err != nil {
		return Prepared{}, err
	}
	if plan.deferred() {
		if err := CheckCatalog(plan, facts); err != nil {
			return Prepared{}, err
		}
	}
	requested := plan.Lifetime.Duration
	if plan.Lifetime.Max {
		requested = facts.MaxLifetime
	}
	return Prepared{
		Plan:        plan,
		Request:     plan.Request(requested),
		Catalog:     facts.Catalog,
		CatalogNote: facts.CatalogNote,
	}, nil
}
