package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/scopedtokens/coder/internal/scopes"
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

// Claims are what a key says it may do: its scopes and allow list as the server stored
// them, plus what is known about the objects they name.
type Claims struct {
	Catalog   *scopes.Catalog
	Scopes    []string
	AllowList []scopes.AllowEntry
	// Workspaces are the workspace entries' objects; Verify looks up those missing.
	Workspaces []sdk.Workspace
	// OrganizationID is used for checks without a resource ID ("" leaves it out).
	OrganizationID string
}

// takesResourceID reports whether authcheck accepts a resource_id for typ.
func takesResourceID(typ string) bool { return slices.Contains(sdk.AuthCheckResourceIDTypes, typ) }

// PlanChecks turns claims into checks: each action the scopes grant on each allow-list
// entry's type, by ID where authcheck takes one, and the reads a workspace entry's
// closure needs (its template and owner). Entries authcheck cannot judge by ID come
// back as skipped, with the reason.
func PlanChecks(c Claims) ([]Check, []Skipped) {
	perms := map[scopes.Permission]bool{}
	for _, name := range c.Scopes {
		for _, p := range c.Catalog.Expand(name) {
			perms[p] = true
		}
	}
	versions := map[string]sdk.Workspace{}
	for _, ws := range c.Workspaces {
		versions[ws.LatestBuild.TemplateVersionID.String()] = ws
	}
	p := planner{claims: c, perms: perms, seen: map[string]bool{}}
	list := scopes.NormalizeAllowList(c.AllowList)
	if len(list) == 0 { // no list (or a server without allow lists): everything
		list = []scopes.AllowEntry{{Type: "*", ID: "*"}}
	}
	for _, e := range list {
		ws, isVersion := versions[e.ID]
		switch {
		case e.Type == "*" && e.ID == "*":
			p.unrestricted()
		case e.Type == "*":
			p.skip(e.String(), "authcheck cannot ask about an ID under every type; name checks with --can")
		case e.Type == "template" && isVersion:
			p.skip(e.String(), fmt.Sprintf("template version of workspace %s/%s's latest build; authcheck judges it through its template %s",
				ws.OwnerName, ws.Name, ws.TemplateID))
		default:
			p.entry(e)
		}
	}
	for _, ws := range c.Workspaces {
		name := ws.OwnerName + "/" + ws.Name
		p.add(Check{Action: "read", Type: "template", ID: ws.TemplateID.String(),
			Reason: fmt.Sprintf("using workspace %s reads its template %q", name, ws.TemplateName)})
		p.add(Check{Action: "read", Type: "user", ID: ws.OwnerID.String(),
			Reason: fmt.Sprintf("using workspace %s reads its owner %q", name, ws.OwnerName)})
	}
	return p.checks, p.skipped
}

type planner struct {
	claims  Claims
	perms   map[scopes.Permission]bool
	seen    map[string]bool
	checks  []Check
	skipped []Skipped
}

// actions lists what the scopes grant on typ. A grant on every type ("*:*", from
// coder:all) stands for "read": enumerating every action of every type says nothing.
func (p *planner) actions(typ string) []string {
	set := map[string]bool{}
	for perm := range p.perms {
		switch {
		case perm.Resource == typ && perm.Action == "*":
			for _, a := range p.claims.Catalog.Actions(typ) {
				set[a] = true
			}
		case perm.Resource == typ:
			set[perm.Action] = true
		case perm.Resource == "*" && perm.Action == "*":
			set["read"] = true
		case perm.Resource == "*":
			set[perm.Action] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func (p *planner) unrestricted() {
	types := map[string]bool{}
	for perm := range p.perms {
		if perm.Resource == "*" {
			p.skip("*:*", "a scope grants every type (coder:all); name checks with --can")
			continue
		}
		types[perm.Resource] = true
	}
	names := make([]string, 0, len(types))
	for t := range types {
		names = append(names, t)
	}
	sort.Strings(names)
	for _, t := range names {
		p.entry(scopes.AllowEntry{Type: t, ID: "*"})
	}
}

func (p *planner) entry(e scopes.AllowEntry) {
	actions := p.actions(e.Type)
	if len(actions) == 0 {
		p.skip(e.String(), fmt.Sprintf("no scope of the key grants any action on %s objects, so the entry admits nothing", e.Type))
		return
	}
	if e.ID != "*" && !takesResourceID(e.Type) {
		p.skip(e.String(), fmt.Sprintf("authcheck takes a resource ID only for %s; %s objects can be checked only by owner and organization",
			strings.Join(sdk.AuthCheckResourceIDTypes, ", "), e.Type))
		return
	}
	for _, a := range actions {
		c := Check{Action: a, Type: e.Type, Reason: fmt.Sprintf("the key's scopes grant %s:%s and its allow list admits %s", e.Type, a, e)}
		if e.ID == "*" {
			c.Owner, c.Org = "me", p.claims.OrganizationID
		} else {
			c.ID = e.ID
		}
		p.add(c)
	}
}

func (p *planner) add(c Check) {
	if c.Label == "" {
		ref := c.ID
		if ref == "" {
			ref = "*"
		}
		c.Label = c.Action + ":" + c.Type + ":" + ref
	}
	if c.Missing == "" {
		c.Missing = LikelyMissing(p.claims, c)
	}
	key := c.Action + "|" + c.Type + "|" + c.ID + "|" + c.Owner + "|" + c.Org
	if p.seen[key] {
		return
	}
	p.seen[key] = true
	p.checks = append(p.checks, c)
}

func (p *planner) skip(what, why string) {
	for _, s := range p.skipped {
		if s.What == what {
			return
		}
	}
	p.skipped = append(p.skipped, Skipped{What: what, Reason: why})
}

// LikelyMissing names what a denied check most likely lacks, judged from the claims:
// an allow-list entry for the object, else a scope for the action, else "" (then the
// user's roles are the likely cause).
func LikelyMissing(c Claims, check Check) string {
	if c.Catalog == nil {
		return ""
	}
	id := check.ID
	if id == "" {
		id = "*"
	}
	want := scopes.AllowEntry{Type: check.Type, ID: id}
	if len(c.AllowList) > 0 && !covers(c.AllowList, want) {
		return "allow-list entry " + want.String()
	}
	for _, name := range c.Scopes {
		for _, p := range c.Catalog.Expand(name) {
			if (p.Resource == "*" || p.Resource == check.Type) && (p.Action == "*" || p.Action == check.Action) {
				return ""
			}
		}
	}
	return "scope " + check.Type + ":" + check.Action
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
