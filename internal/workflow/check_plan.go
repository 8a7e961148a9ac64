package workflow

// Planning what to ask authcheck: the checks a key's claims imply, and what
// a denied check most likely lacks. check.go asks them.

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

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
