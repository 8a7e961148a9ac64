package coderdtest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// scopeCatalogJSON is this package's own copy of the shared catalog snapshot, so the fake
// server does not depend on whatever the client side ships.
//
//go:embed scope-catalog.json
var scopeCatalogJSON []byte

type scopeCatalogFile struct {
	Specials          []string            `json:"specials"`
	Aliases           map[string]string   `json:"aliases"`
	SpecialExpansions map[string][]string `json:"special_expansions"`
	Composites        map[string][]string `json:"composites"`
	LowLevel          []string            `json:"low_level"`
	Resources         map[string][]string `json:"resources"`
}

// catalog is parsed once; a broken embedded file is a build defect, hence the panic.
var catalog = func() scopeCatalogFile {
	var c scopeCatalogFile
	if err := json.Unmarshal(scopeCatalogJSON, &c); err != nil {
		panic(fmt.Sprintf("coderdtest: embedded scope catalog is invalid: %v", err))
	}
	return c
}()

// defaultPublicScopes is the sorted canonical public list, aliases omitted, exactly what
// GET /api/v2/auth/scopes serves.
func defaultPublicScopes() []string {
	var names []string
	for _, name := range catalog.Specials {
		if _, isAlias := catalog.Aliases[name]; !isAlias {
			names = append(names, name)
		}
	}
	for name := range catalog.Composites {
		names = append(names, name)
	}
	names = append(names, catalog.LowLevel...)
	sort.Strings(names)
	return names
}

// DefaultScopeCatalog returns the public scope list a server serves by default, for a test
// that wants to start from it (e.g. to leave names out via Options.ScopeCatalog).
func DefaultScopeCatalog() []string { return defaultPublicScopes() }

// canonicalScope maps the deprecated aliases ("all", "application_connect") to the names the
// database stores.
func canonicalScope(name string) string {
	if canonical, ok := catalog.Aliases[name]; ok {
		return canonical
	}
	return name
}

func isScopeAlias(name string) bool {
	_, ok := catalog.Aliases[name]
	return ok
}

// isRBACResource reports whether t is a key of upstream policy.RBACPermissions; allow lists
// accept any of them, public or internal.
func isRBACResource(t string) bool {
	if _, ok := catalog.Resources[t]; ok {
		return true
	}
	_, added := addedResourceTypes.Load(t)
	return added
}

// addedResourceTypes holds the resource types of Options.ExtraScopes. It is
// process-wide because allow-list entries are validated while decoding, with
// no server at hand; adding types a newer release has is harmless to every
// other server in the process, as no test relies on them being refused.
var addedResourceTypes sync.Map

func registerResourceTypes(scopes []string) {
	for _, name := range scopes {
		if resource, _, ok := strings.Cut(name, ":"); ok && resource != "coder" && resource != "" {
			addedResourceTypes.Store(resource, true)
		}
	}
}
