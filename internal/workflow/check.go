package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/scopedtokens/coder/sdk"
)

// Check is one question for the server's authcheck: may the key perform Action on an
// object? With ID set (only for sdk.AuthCheckResourceIDTypes) the server judges the
// object itself; otherwise it judges an object of Type owned by Owner in Org.
type Check struct {
	Action string `json:"action"`
	Type   string `json:"resource_type"`
	ID     string `json:"resource_id,omitempty"`
	Owner  string `json:"owner_id,omitempty"` // a UUID or "me"
	Org    string `json:"organization_id,omitempty"`
	// Label is the check as --can spells it: "ssh:workspace:alice/dev".
	Label string `json:"check"`
	// Reason says why the check was asked; Missing names what the key most likely
	// lacks if the answer is no ("allow-list entry template:<id>", "scope workspace:ssh").
	Reason  string `json:"reason,omitempty"`
	Missing string `json:"likely_missing,omitempty"`
}

// CheckResult is the server's answer to one check.
type CheckResult struct {
	Check
	Allowed bool `json:"allowed"`
}

// Skipped is an allow-list entry or scope that authcheck cannot judge, and why.
type Skipped struct {
	What   string `json:"entry"`
	Reason string `json:"reason"`
}

// AuthChecker asks the server's authcheck as one key; *sdk.Client implements it.
type AuthChecker interface {
	AuthCheck(ctx context.Context, req sdk.AuthorizationRequest) (sdk.AuthorizationResponse, error)
}

// maxConcurrentChecks bounds parallel authcheck requests.
const maxConcurrentChecks = 4

// ErrNoAuthCheck means the server does not offer POST /api/v2/authcheck.
var ErrNoAuthCheck = errors.New("the server does not offer POST /api/v2/authcheck, so it cannot judge the key; nothing was checked")

// RunChecks asks the server each check as the key behind checker, in requests of at
// most sdk.MaxAuthCheckResourceIDs checks with a resource ID, concurrently. Verdicts
// come back in the order of checks.
func RunChecks(ctx context.Context, checker AuthChecker, checks []Check) ([]CheckResult, error) {
	batches := batch(checks)
	results := make([]CheckResult, len(checks))
	errs := make([]error, len(batches))
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxConcurrentChecks)
	for b, indexes := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			req := sdk.AuthorizationRequest{Checks: map[string]sdk.AuthorizationCheck{}}
			for _, i := range indexes {
				c := checks[i]
				req.Checks[fmt.Sprint(i)] = sdk.AuthorizationCheck{Action: c.Action, Object: sdk.AuthorizationObject{
					ResourceType: c.Type, ResourceID: c.ID, OwnerID: c.Owner, OrganizationID: c.Org}}
			}
			answer, err := checker.AuthCheck(ctx, req)
			if err != nil {
				errs[b] = err
				return
			}
			for _, i := range indexes {
				allowed, ok := answer[fmt.Sprint(i)]
				if !ok {
					errs[b] = fmt.Errorf("the server's authcheck answer lacks check %q", checks[i].Label)
					return
				}
				results[i] = CheckResult{Check: checks[i], Allowed: allowed}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err == nil {
			continue
		}
		var apiErr *sdk.Error
		if errors.As(err, &apiErr) && apiErr.StatusCode == 404 && apiErr.Message == "Route not found." {
			return nil, fmt.Errorf("%w: %w", ErrNoAuthCheck, err)
		}
		return nil, fmt.Errorf("cannot check the key: %w", err)
	}
	return results, nil
}

// batch splits check indexes into requests with at most MaxAuthCheckResourceIDs
// resource IDs each; checks without an ID ride along in the first.
func batch(checks []Check) [][]int {
	var batches [][]int
	var current []int
	ids := 0
	var idLess []int
	for i, c := range checks {
		if c.ID == "" {
			idLess = append(idLess, i)
			continue
		}
		if ids == sdk.MaxAuthCheckResourceIDs {
			batches = append(batches, current)
			current, ids = nil, 0
		}
		current = append(current, i)
		ids++
	}
	if len(current) > 0 || len(batches) == 0 {
		batches = append(batches, current)
	}
	batches[0] = append(idLess, batches[0]...)
	if len(batches[0]) == 0 {
		return nil
	}
	return batches
}

// Verify asks the server, as the key behind checker, everything its claims say it may
// do (see PlanChecks). Workspaces of workspace entries not in claims.Workspaces are
// looked up through api first, for the closure checks; one that cannot be found is
// reported as skipped (its closure unchecked) rather than failing the rest. tokens
// create calls it with a fresh key.
func Verify(ctx context.Context, checker AuthChecker, api Lookups, claims Claims) ([]CheckResult, []Skipped, error) {
	var toLookUp []Resolved
	known := map[string]bool{}
	for _, ws := range claims.Workspaces {
		known[ws.ID.String()] = true
	}
	for _, e := range claims.AllowList {
		if e.Type == "workspace" && e.ID != "*" && !known[e.ID] {
			toLookUp = append(toLookUp, Resolved{Entry: e})
			known[e.ID] = true
		}
	}
	var unreadable []Skipped
	if len(toLookUp) > 0 {
		found, failed := lookupWorkspaces(ctx, api, toLookUp)
		for i, r := range toLookUp {
			if ws, ok := found[i]; ok {
				claims.Workspaces = append(claims.Workspaces, ws)
				continue
			}
			if !sdk.IsNotFound(failed[i]) {
				return nil, nil, failed[i]
			}
			unreadable = append(unreadable, Skipped{What: "closure of " + r.Entry.String(),
				Reason: "the workspace cannot be looked up (404), so its template and owner reads were not checked"})
		}
	}
	checks, skipped := PlanChecks(claims)
	skipped = append(skipped, unreadable...)
	if len(checks) == 0 {
		return nil, skipped, nil
	}
	results, err := RunChecks(ctx, checker, checks)
	return results, skipped, err
}
