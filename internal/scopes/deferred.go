package scopes

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Names the bundled snapshot lacks may still be offered by a newer server,
// so a well-formed one is deferred to the live catalog instead of rejected;
// only malformed input is an error before any request.

// The shapes compile on first use: package init runs for every command.
var (
	lowLevelShape  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9_]+:([a-z0-9_]+|\*)$`) })
	compositeShape = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^coder:[a-z0-9_.]+$`) })
	typeShape      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_]*$`) })
)

// WellFormedScope reports whether name has the shape of a requestable scope
// (lower-case resource:action, resource:* or coder:<name>); whether a server
// offers it is for its catalog to say.
func WellFormedScope(name string) bool {
	return lowLevelShape().MatchString(name) || compositeShape().MatchString(name)
}

// ParseScopesDeferred is ParseScopes, except that a well-formed name c lacks
// is accepted and also returned in unknown, for the live catalog to decide.
func ParseScopesDeferred(c *Catalog, values []string) (parsed []Scope, unknown []string, err error) {
	for _, value := range values {
		for raw := range strings.SplitSeq(value, ",") {
			name := c.canonical(strings.TrimSpace(raw))
			if name != "" && !c.Has(name) && WellFormedScope(name) {
				if !slices.Contains(unknown, name) {
					unknown = append(unknown, name)
				}
			}
		}
	}
	if len(unknown) == 0 {
		parsed, err = ParseScopes(c, values)
		return parsed, nil, err
	}
	// Parse with the deferred names admitted, so order, de-duplication and
	// every other name's errors stay exactly as ParseScopes has them.
	parsed, err = ParseScopes(c.withNames(unknown), values)
	if err != nil {
		return nil, nil, err
	}
	return parsed, unknown, nil
}

// CheckDeferredScopes holds deferred names against c (the live catalog, or
// the snapshot for a server without one), one error per name it lacks.
func CheckDeferredScopes(c *Catalog, names []string) error {
	var errs []error
	for _, name := range names {
		if !c.Has(name) {
			errs = append(errs, c.scopeError(name))
		}
	}
	return errors.Join(errs...)
}

// AllowTypes returns the distinct types named by --allow values, in order,
// as written (so a caller can tell which ones c lacks).
func AllowTypes(values []string) []string {
	var types []string
	for _, value := range values {
		for raw := range strings.SplitSeq(value, ",") {
			typ, _, found := strings.Cut(strings.TrimSpace(raw), ":")
			if found && typ != "" && !slices.Contains(types, typ) {
				types = append(types, typ)
			}
		}
	}
	return types
}

// DeferredTypes lists the well-formed allow-list types in values that c does
// not know, for the live catalog to decide.
func DeferredTypes(c *Catalog, values []string) []string {
	var unknown []string
	for _, typ := range AllowTypes(values) {
		if typ != wildcard && !c.isResourceType(typ) && typeShape().MatchString(typ) {
			unknown = append(unknown, typ)
		}
	}
	return unknown
}

// WithTypes returns a copy of c that also knows the resource types given,
// with no actions: for parsing allow-list entries whose type is deferred.
func (c *Catalog) WithTypes(types []string) *Catalog {
	out := c.clone()
	for _, typ := range types {
		if _, ok := out.resources[typ]; !ok {
			out.resources[typ] = nil
		}
	}
	out.setRequestable(out.names)
	return out
}

// CheckDeferredTypes holds deferred allow-list entries against c: each entry
// whose type c does not know gets ParseAllowList's error, with "did you
// mean" over c's types (the snapshot's and, when live, the server's).
func CheckDeferredTypes(c *Catalog, entries []AllowEntry, types []string) error {
	var errs []error
	for _, e := range entries {
		if slices.Contains(types, e.Type) && !c.isResourceType(e.Type) {
			_, err := c.parseAllowEntry(e.Written(), false)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// IsResourceType reports whether c knows typ as an RBAC resource type.
func (c *Catalog) IsResourceType(typ string) bool { return c.isResourceType(typ) }

func (c *Catalog) withNames(names []string) *Catalog {
	out := c.clone()
	out.setRequestable(append(slices.Clone(c.names), names...))
	return out
}

func (c *Catalog) clone() *Catalog {
	out := *c
	out.resources = make(map[string][]string, len(c.resources))
	for k, v := range c.resources {
		out.resources[k] = v
	}
	out.composites = nil
	return &out
}
