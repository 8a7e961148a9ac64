package workflow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Result is a minted token whose key is to be delivered.
type Result struct {
	Key string
	// Token is the metadata read back; only ID and TokenName are set when
	// reading back was impossible (see Warnings).
	Token sdk.APIKey
	// Warnings say what could not be verified or was narrowed, one sentence
	// each. The key is still the user's only copy and must be delivered.
	Warnings []string
	// MissingDeps is what the workspace entries also need and the list
	// lacks, when Prepared.FindMissingDeps asked; MissingDepsErr says why it
	// could not be found.
	MissingDeps    []Dependency
	MissingDepsErr error
	// Verified is set when the server's authcheck was asked, as the new key,
	// about what the token is for; Verdicts are its answers, Skipped what it
	// cannot judge. VerifyErr says why asking failed.
	Verified  bool
	Verdicts  []CheckResult
	Skipped   []Skipped
	VerifyErr error
}

// Denied returns the verdicts that came back no.
func (r Result) Denied() []CheckResult {
	var denied []CheckResult
	for _, v := range r.Verdicts {
		if !v.Allowed {
			denied = append(denied, v)
		}
	}
	return denied
}

// Mint posts the prepared request, reads the token back and judges it. The
// key is returned unless the token can do more than asked: then the token
// is revoked and the error is a *RevokedError (or a *RevokeFailedError when
// revoking failed). A refused POST is explained as the local checks would
// have (*UnofferedScopesError, *LifetimeError) when that is what the server
// objected to, else it is a *PostError.
func (m *Minter) Mint(ctx context.Context, p Prepared) (Result, error) {
	user := p.Plan.Target()
	created, err := m.Client.CreateToken(ctx, user, p.Request)
	if err != nil {
		return Result{}, m.explainRefusal(ctx, p, err)
	}
	// From here on the key exists and exists only here: nothing may lose it.
	key := created.Key
	id, _, ok := sdk.SplitToken(key)
	if !ok {
		return Result{Key: key, Warnings: []string{"the server returned a key in an unexpected format; it could not be verified"}}, nil
	}
	// The read-back and what only informs warnings run side by side: the
	// critical path stays POST, then one round trip.
	var (
		wg      sync.WaitGroup
		meta    sdk.APIKey
		readErr error
		res     = Result{Key: key}
	)
	lookups := shareLookups(m.Client)
	wg.Go(func() { meta, readErr = m.ReadBack(ctx, user, id) })
	if p.FindMissingDeps {
		wg.Go(func() { res.MissingDeps, res.MissingDepsErr = Closure(ctx, lookups, p.Resolved) })
	}
	if p.Verifier != nil && namesObjects(p.Request.AllowList) {
		res.Verified = true
		wg.Go(func() { res.Verdicts, res.Skipped, res.VerifyErr = m.verify(ctx, p, key, lookups) })
	}
	wg.Wait()
	var verdict Verdict
	if readErr == nil {
		verdict = Judge(p.Facts.Catalog, p.Request, meta)
		if len(verdict.Widened) > 0 {
			return Result{}, m.RevokeWidened(ctx, user, id, verdict.Widened)
		}
		res.Token = meta
	}
	if p.RequireVerified && res.Verified {
		if denied := res.Denied(); res.VerifyErr != nil || len(denied) > 0 {
			return res.withoutKey(), m.revokeUnverified(ctx, user, id, res)
		}
	}
	if readErr != nil {
		res.Token = sdk.APIKey{ID: id, TokenName: p.Plan.Name}
		res.Warnings = append(res.Warnings, fmt.Sprintf("the token was created, but reading it back failed, so its scopes and allow list are unverified (check with 'coder tokens view %s'): %v",
			id, readErr))
		return res, nil
	}
	for _, narrowed := range verdict.Narrowed {
		res.Warnings = append(res.Warnings, narrowed+"; a token minted by a scoped key is limited to that key's scopes, allow list and expiry")
	}
	return res, nil
}

// MintRequest mints req as it stands, for a caller that built the body
// itself (rotate copies an existing token's): no names to resolve, and the
// read-back is judged with the snapshot's expansions.
func (m *Minter) MintRequest(ctx context.Context, plan Plan, req sdk.CreateTokenRequest) (Result, error) {
	return m.Mint(ctx, Prepared{Plan: plan, Request: req, Facts: Facts{Catalog: scopes.Snapshot()}})
}

// namesObjects reports whether an allow list names specific objects, the
// case where a token most often cannot do its job for want of an entry.
func namesObjects(list []sdk.AllowListTarget) bool {
	for _, t := range list {
		if t.ID != "*" {
			return true
		}
	}
	return false
}

// verify asks authcheck, as the new key, what the requested claims say it
// may do, with the workspaces the names and closure already looked up.
func (m *Minter) verify(ctx context.Context, p Prepared, key string, api Lookups) ([]CheckResult, []Skipped, error) {
	checker, err := p.Verifier(key)
	if err != nil {
		return nil, nil, err
	}
	claims := Claims{Catalog: p.Facts.Catalog, Scopes: p.Request.Scopes, AllowList: p.Entries()}
	if len(claims.Scopes) == 0 {
		claims.Scopes = []string{"coder:all"}
	}
	for _, r := range p.Resolved {
		if r.Workspace != nil {
			claims.Workspaces = append(claims.Workspaces, *r.Workspace)
		}
	}
	return Verify(ctx, checker, api, claims)
}

// withoutKey is what remains of a result whose token was revoked: the
// verdicts, for the report, and never the key.
func (r Result) withoutKey() Result {
	r.Key = ""
	return r
}

// revokeUnverified revokes a token --require-verified refused.
func (m *Minter) revokeUnverified(ctx context.Context, user, id string, res Result) error {
	e := &UnverifiedError{ID: id, Denied: res.Denied(), Err: res.VerifyErr}
	if err := m.Revoke(ctx, user, id); err != nil {
		e.RevokeErr = err
	}
	return e
}

// ReadBack fetches the metadata of the token with the given key ID.
func (m *Minter) ReadBack(ctx context.Context, user, id string) (sdk.APIKey, error) {
	return m.Client.TokenByID(ctx, user, id)
}

// Server refusals (contract §3.1) that a local check used to catch first.
const (
	detailBadScope = "invalid or unsupported API key scope"
	detailTooLong  = "lifetime must be less than"
)

// explainRefusal fetches, on the failure path only, what the message of the
// local check needs: the catalog for a refused scope, the token config and
// the target user for a refused lifetime. Without them, the server's own
// answer stands.
func (m *Minter) explainRefusal(ctx context.Context, p Prepared, err error) error {
	post := &PostError{Err: err}
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusBadRequest {
		return post
	}
	switch {
	case strings.HasPrefix(apiErr.Detail, detailBadScope) && len(p.Plan.Scopes) > 0:
		catalog := p.Facts.Catalog
		if catalog.Source() != scopes.SourceLive {
			fetched, _, fetchErr := m.catalog(ctx)
			if fetchErr != nil {
				return post
			}
			catalog = fetched
		}
		if missing := unoffered(catalog, p.Plan.Scopes); len(missing) > 0 {
			return &UnofferedScopesError{Names: missing}
		}
	case strings.HasPrefix(apiErr.Detail, detailTooLong) && p.Plan.Lifetime.Duration > 0:
		var (
			wg      sync.WaitGroup
			cfg     sdk.TokenConfig
			cfgErr  error
			tooLong = &LifetimeError{Requested: p.Request.Lifetime}
		)
		wg.Go(func() { cfg, cfgErr = m.Client.TokenConfig(ctx, p.Plan.Target()) })
		wg.Go(func() {
			if u, err := m.Client.User(ctx, p.Plan.Target()); err == nil {
				tooLong.Username, tooLong.Owner, tooLong.Known = u.Username, u.IsOwner(), true
			}
		})
		wg.Wait()
		if cfgErr == nil && cfg.MaxTokenLifetime > 0 && p.Request.Lifetime > cfg.MaxTokenLifetime {
			tooLong.Max = cfg.MaxTokenLifetime
			return tooLong
		}
	}
	return post
}
