package scopes

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

//go:generate go run ./gen

// RegenerateCatalog rewrites a scope-catalog.json (current) for the requestable names a
// server lists (GET /api/v2/auth/scopes): low-level names and composites follow the
// server, and resource types or actions only it names are added. Expansions cannot be
// learnt from a list of names, so a composite the file does not know is left out and
// named in the notes (live catalogs still accept it); specials, aliases and the
// provenance line are kept. Regenerating from the names the file itself offers gives
// the file back byte for byte.
func RegenerateCatalog(current []byte, names []string) (out []byte, notes []string, err error) {
	var file catalogFile
	if err := json.Unmarshal(current, &file); err != nil {
		return nil, nil, fmt.Errorf("read the current catalog: %w", err)
	}
	composites := map[string][]string{}
	lowLevel := []string{}
	for _, name := range names {
		name = strings.TrimSpace(name)
		if target, ok := file.Aliases[name]; ok {
			name = target
		}
		if resource, action, ok := strings.Cut(name, ":"); !ok || resource == "" || action == "" {
			notes = append(notes, fmt.Sprintf("%q: not a scope name; ignored", name))
			continue
		}
		switch kindOf(name) {
		case KindSpecial:
			if !slices.Contains(file.Specials, name) {
				notes = append(notes, fmt.Sprintf("%s: a special scope this file does not know; add it by hand", name))
			}
		case KindComposite:
			if perms, ok := file.Composites[name]; ok {
				composites[name] = perms
			} else if _, seen := composites[name]; !seen {
				notes = append(notes, fmt.Sprintf("%s: a composite whose expansion is unknown; left out (see coderd/rbac/scopes.go)", name))
			}
		case KindLowLevel, KindWildcard:
			if !slices.Contains(lowLevel, name) {
				lowLevel = append(lowLevel, name)
			}
			resource, action, _ := strings.Cut(name, ":")
			actions, known := file.Resources[resource]
			if !known {
				file.Resources[resource] = []string{}
				notes = append(notes, fmt.Sprintf("%s: a resource type this file did not know", resource))
			}
			if action != "*" && !slices.Contains(actions, action) {
				file.Resources[resource] = slices.Sorted(slices.Values(append(slices.Clone(actions), action)))
			}
		}
	}
	for name := range file.Composites {
		if _, kept := composites[name]; !kept {
			notes = append(notes, fmt.Sprintf("%s: no longer offered; removed", name))
		}
	}
	for _, name := range file.LowLevel {
		if !slices.Contains(lowLevel, name) {
			notes = append(notes, fmt.Sprintf("%s: no longer offered; removed", name))
		}
	}
	slices.Sort(lowLevel)
	file.Composites, file.LowLevel = composites, lowLevel
	slices.Sort(notes)

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(file); err != nil {
		return nil, nil, err
	}
	out = buf.Bytes()
	if !bytes.HasSuffix(current, []byte("\n")) { // keep the file's own ending
		out = bytes.TrimSuffix(out, []byte("\n"))
	}
	return out, notes, nil
}
