package scopes

import (
	"fmt"
	"slices"
	"strings"
)

// Explanation is what a token with the given scopes and allow list can do at
// most: the server also intersects it with the owner's roles, which the CLI
// cannot see.
type Explanation struct {
	Scopes    []string         `json:"scopes"`     // canonical names as requested ("coder:all" when none given)
	AllowList []string         `json:"allow_list"` // normalised, "*:*" when none given
	Resources []ResourceAccess `json:"resources"`  // sorted by resource
	Warnings  []Warning        `json:"warnings"`   // never nil (JSON [])
}

// ResourceAccess is what the token may do to one resource type.
type ResourceAccess struct {
	Resource string   `json:"resource"` // "*" for coder:all
	Actions  []string `json:"actions"`  // sorted; "*" means every action
	Via      []string `json:"via"`      // the requested scopes that grant it, in request order
	// Objects the allow list admits: ["*"] for every object, else IDs; empty
	// means none, so the grant is unusable. For resource "*" (coder:all) the
	// entries are whole "type:id" strings, since it spans every type.
	Objects []string `json:"objects"`
}

// Warning is a finding about a scope/allow-list combination. Code is stable
// (see the Warn* constants); Message is a sentence for humans.
type Warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Stable warning codes.
const (
	// WarnNoScopes: no scope was requested, so the token gets coder:all.
	WarnNoScopes = "no_scopes"
	// WarnUnknownComposite: a live-catalog composite this build cannot expand.
	WarnUnknownComposite = "unknown_composite"
	// WarnWildcardScope: resource:* includes internal and future actions.
	WarnWildcardScope = "wildcard_scope"
	// WarnAllRestricted: coder:all combined with a restrictive allow list.
	WarnAllRestricted = "coder_all_restricted"
	// WarnResourceNotAllowed: a granted type no allow-list entry covers.
	WarnResourceNotAllowed = "resource_not_allowed"
	// WarnCreateNeedsWildcard: create granted but only specific IDs listed.
	WarnCreateNeedsWildcard = "create_needs_type_wildcard"
	// WarnWorkspaceMissingRelated: workspace:<id> without the template, user
	// and organization_member entries workspace calls also check.
	WarnWorkspaceMissingRelated = "workspace_missing_related"
	// WarnIDNeverMatches: api_key:<id> or license:<id>; those objects have no UUID.
	WarnIDNeverMatches = "id_never_matches"
)

// Explain computes what a token with scopes and allow list can do at most.
// No scopes means coder:all (what the server stores); no allow list means
// "*:*". The allow list is normalised first, as the server does.
func Explain(c *Catalog, scopes []Scope, allow []AllowEntry) Explanation {
	ex := Explanation{Warnings: []Warning{}}
	if len(scopes) == 0 {
		scopes = []Scope{{Name: scopeAll, Kind: KindSpecial}}
		ex.warn(WarnNoScopes, "no scope was requested, so the token gets coder:all: everything its owner can do")
	}
	ex.Scopes = ScopeNames(scopes)

	entries := NormalizeAllowList(allow)
	if len(entries) == 0 {
		entries = []AllowEntry{{Type: wildcard, ID: wildcard}}
	}
	ex.AllowList = make([]string, len(entries))
	for i, e := range entries {
		ex.AllowList[i] = e.String()
	}
	restricted := !entries[0].isAll()

	ex.Resources = grants(c, scopes, &ex)
	for i := range ex.Resources {
		ex.Resources[i].Objects = admittedObjects(ex.Resources[i].Resource, entries, restricted)
	}

	if restricted {
		if slices.Contains(ex.Scopes, scopeAll) {
			ex.warn(WarnAllRestricted, "coder:all grants every action on every type, but the allow list still limits it to the listed objects; everything else is denied")
		}
		ex.checkCoverage(c)
		ex.checkWorkspaceCompanions(entries)
		for _, e := range entries {
			if noUUID(e.Type) && e.ID != wildcard {
				ex.warn(WarnIDNeverMatches, fmt.Sprintf("%s never matches: %s objects are identified by %s, not a UUID; use %s:* instead",
					e, e.Type, idKind[e.Type], e.Type))
			}
		}
	}
	return ex
}

// idKind names what identifies the objects of the noUUID types.
var idKind = map[string]string{"api_key": "a 10-character key ID", "license": "an integer"}

func (ex *Explanation) warn(code, message string) {
	ex.Warnings = append(ex.Warnings, Warning{Code: code, Message: message})
}

// grants expands scopes into per-resource access, sorted by resource, and
// records the warnings that depend on the scopes alone.
func grants(c *Catalog, scopes []Scope, ex *Explanation) []ResourceAccess {
	type grant struct {
		actions map[string]bool
		via     []string
	}
	byResource := map[string]*grant{}
	for _, s := range scopes {
		if !c.knowsExpansion(s.Name) {
			ex.warn(WarnUnknownComposite, fmt.Sprintf("%s is offered by the server but this build does not know what it grants; it is shown with no permissions", s.Name))
		}
		for _, p := range c.Expand(s.Name) {
			if s.Kind == KindWildcard {
				ex.warn(WarnWildcardScope, wildcardMessage(c, s.Name, p.Resource))
			}
			g := byResource[p.Resource]
			if g == nil {
				g = &grant{actions: map[string]bool{}}
				byResource[p.Resource] = g
			}
			g.actions[p.Action] = true
			if !slices.Contains(g.via, s.Name) {
				g.via = append(g.via, s.Name)
			}
		}
	}
	access := make([]ResourceAccess, 0, len(byResource))
	for resource, g := range byResource {
		actions := []string{wildcard}
		if !g.actions[wildcard] {
			// "*" already means every action; listing others adds nothing.
			actions = make([]string, 0, len(g.actions))
			for action := range g.actions {
				actions = append(actions, action)
			}
			slices.Sort(actions)
		}
		access = append(access, ResourceAccess{Resource: resource, Actions: actions, Via: g.via})
	}
	slices.SortFunc(access, func(a, b ResourceAccess) int { return strings.Compare(a.Resource, b.Resource) })
	return access
}

func wildcardMessage(c *Catalog, scope, resource string) string {
	msg := fmt.Sprintf("%s grants every %s action, including internal ones and any a later server release adds", scope, resource)
	if actions := c.Actions(resource); len(actions) > 0 {
		msg += fmt.Sprintf(" (today: %s)", strings.Join(actions, ", "))
	}
	return msg
}

// admittedObjects lists what entries admit for resource: ["*"] for every
// object, else the IDs (from T:<id> and *:<id>); for resource "*" the
// entries themselves. Never nil, so JSON shows [].
func admittedObjects(resource string, entries []AllowEntry, restricted bool) []string {
	if !restricted {
		return []string{wildcard}
	}
	objects := []string{}
	for _, e := range entries {
		switch {
		case resource == wildcard:
			objects = append(objects, e.String())
		case e.Type != resource && e.Type != wildcard:
		case e.ID == wildcard:
			return []string{wildcard}
		default:
			objects = append(objects, e.ID)
		}
	}
	// *:<id> and T:<id> may name the same ID.
	slices.Sort(objects)
	return slices.Compact(objects)
}

// checkCoverage warns about granted types the allow list makes unusable or
// whose create action it cannot authorise.
func (ex *Explanation) checkCoverage(c *Catalog) {
	var creates []ResourceAccess
	for _, r := range ex.Resources {
		if r.Resource == wildcard {
			continue // coder:all is covered by WarnAllRestricted
		}
		if len(r.Objects) == 0 {
			ex.warn(WarnResourceNotAllowed, fmt.Sprintf("%s is granted by %s, but no allow-list entry covers %s objects, so the token can never use it; add %s:* or %s:<id>",
				r.Resource, strings.Join(r.Via, ", "), r.Resource, r.Resource, r.Resource))
			continue
		}
		canCreate := slices.Contains(r.Actions, "create") ||
			(slices.Contains(r.Actions, wildcard) && slices.Contains(c.Actions(r.Resource), "create"))
		if canCreate && !slices.Contains(r.Objects, wildcard) {
			creates = append(creates, r)
		}
	}
	for _, r := range creates {
		ex.warn(WarnCreateNeedsWildcard, fmt.Sprintf("%s:create is granted, but the allow list names only specific %s IDs; a new object has no ID yet, so creating needs %s:*",
			r.Resource, r.Resource, r.Resource))
	}
}

// workspaceCompanions are the types workspace calls check besides the
// workspace itself (scopes.md §4.3), with the ID each entry needs.
var workspaceCompanions = []struct{ typ, id string }{
	{"template", "<template-id>"},
	{"user", "<owner-id>"},
	{"organization_member", "<owner-user-id>"},
}

// checkWorkspaceCompanions warns when specific workspaces are allowed and
// workspace access is granted, but the entries those calls also need are not.
func (ex *Explanation) checkWorkspaceCompanions(entries []AllowEntry) {
	workspaceIDs := map[string]bool{}
	for _, e := range entries {
		if e.Type == "workspace" && e.ID != wildcard {
			workspaceIDs[e.ID] = true
		}
	}
	grantsWorkspace := slices.ContainsFunc(ex.Resources, func(r ResourceAccess) bool {
		return r.Resource == "workspace" || r.Resource == wildcard
	})
	if len(workspaceIDs) == 0 || !grantsWorkspace {
		return
	}
	covers := func(typ string) bool {
		// *:<id> may name a template or user; only a workspace's own ID
		// certainly does not.
		return slices.ContainsFunc(entries, func(e AllowEntry) bool {
			return e.Type == typ || (e.Type == wildcard && !workspaceIDs[e.ID])
		})
	}
	var missing []string
	for _, companion := range workspaceCompanions {
		if !covers(companion.typ) {
			missing = append(missing, companion.typ+":"+companion.id)
		}
	}
	if len(missing) > 0 {
		ex.warn(WarnWorkspaceMissingRelated, fmt.Sprintf("the allow list names specific workspaces, but workspace calls also check the workspace's template, owner and organization membership; add %s (and workspace_dormant:<id> if the workspace may go dormant)",
			strings.Join(missing, ", ")))
	}
}
