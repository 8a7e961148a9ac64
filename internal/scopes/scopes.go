package scopes

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Scope is one validated, canonical scope name.
type Scope struct {
	Name string
	Kind Kind
}

// ScopeNames returns the names of s in order.
func ScopeNames(s []Scope) []string {
	names := make([]string, len(s))
	for i, scope := range s {
		names[i] = scope.Name
	}
	return names
}

// ParseScopes validates --scope values against c. Each value may hold several
// comma-separated names; names are trimmed, empty ones dropped, the aliases
// "all" and "application_connect" rewritten to their coder: names and
// duplicates dropped keeping the first occurrence. Every bad name gets its own
// error (joined with errors.Join), worded like the server's
// `invalid or unsupported API key scope: "<name>"` plus the reason and close
// names when there are any. On error no scopes are returned.
func ParseScopes(c *Catalog, values []string) ([]Scope, error) {
	var (
		scopes   []Scope
		errs     []error
		accepted = map[string]bool{}
		rejected = map[string]bool{}
	)
	for _, value := range values {
		for raw := range strings.SplitSeq(value, ",") {
			name := strings.TrimSpace(raw)
			if name == "" {
				continue
			}
			canonical := c.canonical(name)
			if !c.Has(canonical) {
				if !rejected[name] {
					rejected[name] = true
					errs = append(errs, c.scopeError(name))
				}
				continue
			}
			if accepted[canonical] {
				continue
			}
			accepted[canonical] = true
			scopes = append(scopes, Scope{Name: canonical, Kind: kindOf(canonical)})
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return scopes, nil
}

// scopeError explains why name is not requestable and what was probably meant.
func (c *Catalog) scopeError(name string) error {
	reason, suggestions := c.diagnoseScope(name)
	msg := fmt.Sprintf("invalid or unsupported API key scope: %q", name)
	if reason != "" {
		msg += ": " + reason
	}
	if len(suggestions) > 0 {
		msg += "; did you mean " + quotedAlternatives(suggestions) + "?"
	}
	return errors.New(msg)
}

func (c *Catalog) diagnoseScope(name string) (reason string, suggestions []string) {
	// A repaired spelling that is requestable is the one suggestion worth
	// making; otherwise fall back to names close by edit distance.
	candidate := name
	switch {
	case strings.ContainsFunc(name, unicode.IsSpace):
		reason = "scope names contain no spaces"
		candidate = strings.Join(strings.Fields(name), "")
	case name != strings.ToLower(name):
		reason = "scope names are lower case"
		candidate = strings.ToLower(name)
	}
	if fixed := c.canonical(candidate); candidate != name && c.Has(fixed) {
		return reason, []string{fixed}
	}

	resource, action, hasColon := strings.Cut(candidate, ":")
	switch {
	case reason != "":
		// The spelling problem is the reason; keep it.
	case c.canonical(name) != name:
		reason = fmt.Sprintf("this alias of %q is not offered by the %s", c.canonical(name), c.source)
	case c.source == SourceLive && Snapshot().Has(name):
		reason = "the server does not offer this scope, although the bundled snapshot lists it (the server is older or newer)"
	case resource == "*" && action == "*":
		return `the wildcard resource cannot be requested; use "coder:all" for every action on every resource`, nil
	case resource == "*":
		return `a scope names one resource type, "*" is allowed only as the action (e.g. "workspace:*"); use "coder:all" for every resource`, nil
	case !hasColon:
		reason = `want <resource>:<action> (e.g. "workspace:read") or a coder: scope`
	case resource == "" || action == "":
		reason = "want <resource>:<action> with both parts non-empty"
	case c.isResourceType(resource) && (action == "*" || slices.Contains(c.resources[resource], action)):
		reason = "this permission exists but is internal to the server and cannot be requested"
		if granting := c.compositesGranting(Permission{Resource: resource, Action: action}); len(granting) > 0 {
			reason += "; it is granted by " + quotedAlternatives(granting)
			return reason, nil
		}
	}
	if suggestions = c.closeNames(candidate); len(suggestions) > 0 || reason != "" {
		return reason, suggestions
	}
	if actions := c.requestableActions(resource); len(actions) > 0 {
		return fmt.Sprintf("requestable %s actions are %s", resource, strings.Join(actions, ", ")), nil
	}
	return "", nil
}

// requestableActions lists the actions requestable as resource:<action>.
func (c *Catalog) requestableActions(resource string) []string {
	var actions []string
	for _, name := range c.names {
		if action, ok := strings.CutPrefix(name, resource+":"); ok && resource != "coder" {
			actions = append(actions, action)
		}
	}
	return actions
}

// compositesGranting lists the requestable composites whose expansion holds p.
func (c *Catalog) compositesGranting(p Permission) []string {
	var granting []string
	for _, name := range c.composites {
		if slices.Contains(c.expansions[name], p) {
			granting = append(granting, name)
		}
	}
	return granting
}

// maxSuggestions caps "did you mean" lists so they stay readable.
const maxSuggestions = 3

// closeNames returns up to maxSuggestions requestable names near name.
func (c *Catalog) closeNames(name string) []string {
	return nearest(name, c.names, maxSuggestions)
}

// quotedAlternatives renders `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
func quotedAlternatives(items []string) string {
	quoted := make([]string, len(items))
	for i, item := range items {
		quoted[i] = fmt.Sprintf("%q", item)
	}
	if len(quoted) == 1 {
		return quoted[0]
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}
