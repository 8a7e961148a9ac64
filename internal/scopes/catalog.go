// Package scopes is the local grammar of Coder API key scopes and allow lists:
// it parses and validates --scope and --allow values against a catalog of
// requestable scope names and explains what a token can do at most.
//
// The package is pure: it performs no I/O. The CLI fetches the server's scope
// list (if any), passes names in and renders the results.
package scopes

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// snapshotCommit is the coder/coder commit the embedded catalog was generated
// from (codersdk/apikey_scopes_gen.go and coderd/rbac/scopes_catalog.go);
// composite expansions follow coderd/rbac/scopes.go of mid-2026. The JSON's
// own source_commit field carries the full provenance and a test keeps the
// two in step.
const snapshotCommit = "00bbef6bebb5d4d4cb33f98df4c183a2ed2debf6"

// scope-catalog.json began as a verbatim copy of shared/api/scope-catalog.json;
// `go generate` (gen/) refreshes it from a server's scope list and writes it
// as Go to snapshot_gen.go (snapshotFile), which is what the binary carries.

// Source says where a catalog's list of requestable names came from.
type Source int

const (
	// SourceSnapshot is the catalog embedded in the binary.
	SourceSnapshot Source = iota
	// SourceLive is the list a server returned from GET /api/v2/auth/scopes.
	SourceLive
)

func (s Source) String() string {
	switch s {
	case SourceSnapshot:
		return "bundled snapshot"
	case SourceLive:
		return "live server catalog"
	default:
		return fmt.Sprintf("Source(%d)", int(s))
	}
}

// Permission is one resource:action pair a scope grants. Action "*" means
// every action on the resource, including internal actions and actions added
// by later server releases; Resource "*" (from coder:all) means every type.
type Permission struct {
	Resource string
	Action   string
}

func (p Permission) String() string { return p.Resource + ":" + p.Action }

// Catalog knows which scope names are requestable, what specials and
// composites expand to, and which resource types and actions exist.
// A Catalog is immutable; its methods return copies.
type Catalog struct {
	source Source
	note   string

	requestable map[string]Kind // canonical requestable names
	names       []string        // sorted keys of requestable
	composites  []string        // sorted requestable composites
	aliases     map[string]string

	// expansions holds the specials and the composites whose expansion is
	// known; a composite absent here expands to nothing.
	expansions map[string][]Permission

	resources     map[string][]string // every RBAC resource type → sorted actions
	resourceTypes []string            // sorted keys of resources
}

// catalogFile mirrors scope-catalog.json.
type catalogFile struct {
	SourceCommit      string              `json:"source_commit"`
	Specials          []string            `json:"specials"`
	Aliases           map[string]string   `json:"aliases"`
	SpecialExpansions map[string][]string `json:"special_expansions"`
	Composites        map[string][]string `json:"composites"`
	LowLevel          []string            `json:"low_level"`
	Resources         map[string][]string `json:"resources"`
}

var loadSnapshot = sync.OnceValue(func() *Catalog { return newSnapshot(snapshotFile) })

// Snapshot returns the catalog embedded in the binary (coder/coder at
// snapshotCommit). Use it when the server does not publish its scope list.
func Snapshot() *Catalog { return loadSnapshot() }

func newSnapshot(file catalogFile) *Catalog {
	c := &Catalog{
		source:     SourceSnapshot,
		aliases:    file.Aliases,
		expansions: map[string][]Permission{},
		resources:  map[string][]string{},
	}
	for name, perms := range file.SpecialExpansions {
		c.expansions[name] = parsePermissions(perms)
	}
	for name, perms := range file.Composites {
		c.expansions[name] = parsePermissions(perms)
	}
	for resource, actions := range file.Resources {
		c.resources[resource] = slices.Sorted(slices.Values(actions))
	}
	var names []string
	for _, name := range file.Specials {
		if _, isAlias := file.Aliases[name]; !isAlias {
			names = append(names, name)
		}
	}
	for name := range file.Composites {
		names = append(names, name)
	}
	names = append(names, file.LowLevel...)
	c.setRequestable(names)
	c.note = fmt.Sprintf("coder/coder %s, %d names", snapshotCommit[:12], len(c.names))
	return c
}

// FromNames builds the catalog of a live server from the names it lists
// (GET /api/v2/auth/scopes "external"). The server omits the deprecated
// aliases; they are accepted again when their target is listed. Expansions of
// known composites and the resource→action table come from the snapshot; a
// composite the snapshot does not know is requestable but expands to nothing,
// and resource types or actions only the server names are added.
func FromNames(names []string) *Catalog {
	snap := Snapshot()
	c := &Catalog{
		source:     SourceLive,
		aliases:    snap.aliases,
		expansions: snap.expansions,
		resources:  make(map[string][]string, len(snap.resources)),
	}
	for resource, actions := range snap.resources {
		c.resources[resource] = actions
	}
	canonical := make([]string, 0, len(names))
	for _, name := range names {
		name = strings.TrimSpace(name)
		if target, ok := c.aliases[name]; ok {
			name = target
		}
		if name == "" {
			continue
		}
		canonical = append(canonical, name)
		resource, action, ok := strings.Cut(name, ":")
		if !ok || resource == "coder" || resource == "" || action == "" {
			continue
		}
		if action != "*" && !slices.Contains(c.resources[resource], action) {
			c.resources[resource] = slices.Sorted(slices.Values(append(slices.Clone(c.resources[resource]), action)))
		} else if _, known := c.resources[resource]; !known {
			c.resources[resource] = nil
		}
	}
	c.setRequestable(canonical)
	c.note = fmt.Sprintf("%d names from the server", len(c.names))
	return c
}

// setRequestable records names (deduplicated) and derives the sorted views.
func (c *Catalog) setRequestable(names []string) {
	c.requestable = make(map[string]Kind, len(names))
	for _, name := range names {
		c.requestable[name] = kindOf(name)
	}
	c.names = make([]string, 0, len(c.requestable))
	for name, kind := range c.requestable {
		c.names = append(c.names, name)
		if kind == KindComposite {
			c.composites = append(c.composites, name)
		}
	}
	slices.Sort(c.names)
	slices.Sort(c.composites)
	c.resourceTypes = make([]string, 0, len(c.resources))
	for resource := range c.resources {
		c.resourceTypes = append(c.resourceTypes, resource)
	}
	slices.Sort(c.resourceTypes)
}

func parsePermissions(pairs []string) []Permission {
	perms := make([]Permission, 0, len(pairs))
	for _, pair := range pairs {
		resource, action, _ := strings.Cut(pair, ":")
		perms = append(perms, Permission{Resource: resource, Action: action})
	}
	return perms
}

// Source says whether the catalog is the bundled snapshot or a server's list.
func (c *Catalog) Source() Source { return c.source }

// SourceNote describes the catalog's origin for humans, e.g. the snapshot's
// commit or how many names the server listed.
func (c *Catalog) SourceNote() string { return c.note }

// Names returns the sorted requestable canonical names (aliases excluded).
func (c *Catalog) Names() []string { return slices.Clone(c.names) }

// Has reports whether name is a canonical requestable name. Aliases such as
// "all" are not canonical; ParseScopes rewrites them.
func (c *Catalog) Has(name string) bool {
	_, ok := c.requestable[name]
	return ok
}

// canonical rewrites a deprecated alias to the name the server stores.
func (c *Catalog) canonical(name string) string {
	if target, ok := c.aliases[name]; ok {
		return target
	}
	return name
}

// Kind classifies name by its shape (aliases count as their target); it does
// not check that the name is requestable.
func (c *Catalog) Kind(name string) Kind { return kindOf(c.canonical(name)) }

// Expand returns the permissions name grants: coder:all → {*,*}; a composite
// → its pairs (nothing when its expansion is unknown); resource:* →
// {resource,*}; resource:action → itself. Names of no known shape expand to
// nothing.
func (c *Catalog) Expand(name string) []Permission {
	name = c.canonical(name)
	if perms, ok := c.expansions[name]; ok {
		return slices.Clone(perms)
	}
	resource, action, ok := strings.Cut(name, ":")
	if !ok || resource == "coder" || resource == "" || action == "" {
		return nil
	}
	return []Permission{{Resource: resource, Action: action}}
}

// knowsExpansion reports whether name's permissions are known. Only a
// composite listed by a newer server than the snapshot can be unknown.
func (c *Catalog) knowsExpansion(name string) bool {
	if kindOf(name) != KindComposite {
		return true
	}
	_, ok := c.expansions[name]
	return ok
}

// Composites returns the sorted requestable composite names.
func (c *Catalog) Composites() []string { return slices.Clone(c.composites) }

// ResourceTypes returns every RBAC resource type, public or internal, sorted.
// These are the types an allow list accepts (besides "*").
func (c *Catalog) ResourceTypes() []string { return slices.Clone(c.resourceTypes) }

// Actions returns the sorted actions of resource (nil for an unknown type).
func (c *Catalog) Actions(resource string) []string { return slices.Clone(c.resources[resource]) }

func (c *Catalog) isResourceType(name string) bool {
	_, ok := c.resources[name]
	return ok
}
