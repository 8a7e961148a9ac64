package scopes

import (
	"fmt"
	"slices"
	"strings"
)

// Allow-list entries may name their object instead of giving its UUID, for the types
// a server can look up by name. A named entry is unresolved: its ID is empty until a
// resolver (internal/workflow) has asked the server, and it never goes on the wire.

// NamedTypes lists the resource types whose allow-list entries may name their object.
var NamedTypes = []string{"workspace", "template", "user", "organization", "group", "organization_member"}

// namedTypesText is NamedTypes for error messages.
const namedTypesText = "workspace, template, user, organization, group and organization_member"

// IsNamed reports whether the entry names its object and still needs resolving.
func (e AllowEntry) IsNamed() bool { return e.Name != "" }

// Written is the entry as the user wrote it, canonicalised: "workspace:alice/dev" for a
// named entry, the wire form otherwise.
func (e AllowEntry) Written() string {
	if e.IsNamed() {
		return e.Type + ":" + e.Name
	}
	return e.String()
}

// Scope and Object split a named entry's Name at its "/": "alice/dev" is owner (or
// organization) "alice" and object "dev"; a bare "dev" has an empty scope, meaning the
// default (the --user target for workspaces, the default organization otherwise).
func (e AllowEntry) Scope() string {
	scope, _, found := strings.Cut(e.Name, "/")
	if !found {
		return ""
	}
	return scope
}

// Object is the object's own name; see Scope.
func (e AllowEntry) Object() string {
	_, object, found := strings.Cut(e.Name, "/")
	if !found {
		return e.Name
	}
	return object
}

// ParseAllowListWithNames is ParseAllowList that also accepts names for NamedTypes:
//
//	workspace:<owner>/<name>  workspace:<name>       (owned by the --user target)
//	template:<org>/<name>     template:<name>        (default organization)
//	group:<org>/<name>        group:<name>           (default organization)
//	user:<username>           user:me
//	organization:<name>       organization:default
//	organization_member:<username>                   (keyed by the user's UUID)
//
// Named entries come back with Name set and ID empty; resolve them before use.
func ParseAllowListWithNames(c *Catalog, values []string) ([]AllowEntry, error) {
	return parseAllowList(c, values, true)
}

// namedEntry parses id as a name for typ, or says why it cannot be one. ok is false when
// typ takes no names at all.
func namedEntry(typ, id string) (entry AllowEntry, reason string, ok bool) {
	if !slices.Contains(NamedTypes, typ) {
		return AllowEntry{}, "", false
	}
	scoped := typ == "workspace" || typ == "template" || typ == "group"
	parts := strings.Split(id, "/")
	switch {
	case len(parts) > 2 || (len(parts) == 2 && !scoped):
		return AllowEntry{}, nameShape(typ), true
	}
	for _, part := range parts {
		if part == "" {
			return AllowEntry{}, nameShape(typ), true
		}
		if bad := badNameChar(part); bad != "" {
			return AllowEntry{}, fmt.Sprintf("%s names cannot contain %s; want %s", typ, bad, shapeOf(typ)), true
		}
	}
	return AllowEntry{Type: typ, Name: id}, "", true
}

func nameShape(typ string) string {
	return fmt.Sprintf("want %s", shapeOf(typ))
}

func shapeOf(typ string) string {
	switch typ {
	case "workspace":
		return "workspace:<owner>/<name>, workspace:<name> or workspace:<uuid>"
	case "template":
		return "template:<organization>/<name>, template:<name> or template:<uuid>"
	case "group":
		return "group:<organization>/<name>, group:<name> or group:<uuid>"
	case "user":
		return "user:<username>, user:me or user:<uuid>"
	case "organization":
		return "organization:<name>, organization:default or organization:<uuid>"
	default:
		return typ + ":<username> or " + typ + ":<user-uuid>"
	}
}

// badNameChar describes the first character Coder names never contain (they are
// letters, digits, '-', '_' and '.'), or "" when there is none.
func badNameChar(s string) string {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
		case r == ' ' || r == '\t':
			return "spaces"
		default:
			return fmt.Sprintf("%q", r)
		}
	}
	return ""
}
