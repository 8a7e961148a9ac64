package coderdtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
)

const (
	allowAll         = "*:*"
	maxAllowListSize = 128
)

// allowListTarget is codersdk.APIAllowListTarget: a JSON string "<type>:<id>" on the wire.
type allowListTarget struct {
	typ string
	id  string
}

func (t allowListTarget) String() string { return t.typ + ":" + t.id }

// UnmarshalJSON validates while decoding, as upstream does, so a bad entry fails the whole
// body decode ("Request body must be valid JSON."). Both wire forms upstream has shipped
// are accepted: the string "<type>:<id>" and the object {"type":…,"id":…}, with the
// object-form messages of the draft that used it.
func (t *allowListTarget) UnmarshalJSON(b []byte) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var obj struct {
			Type string `json:"type"`
			ID   string `json:"id"`
		}
		if err := json.Unmarshal(trimmed, &obj); err != nil {
			return err
		}
		typ, id := strings.TrimSpace(obj.Type), strings.TrimSpace(obj.ID)
		if typ == "" || id == "" {
			return errors.New("allow_list entry must include both type and id")
		}
		parsed, err := parseAllowListEntry(typ + ":" + id)
		if err != nil {
			return err
		}
		*t = parsed
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("invalid allow_list entry: expected object with type/id or string")
	}
	parsed, err := parseAllowListEntry(s)
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// parseAllowListEntry applies upstream's text rules; the ID is kept exactly as given.
func parseAllowListEntry(s string) (allowListTarget, error) {
	trimmed := strings.TrimSpace(s)
	typ, id, ok := strings.Cut(trimmed, ":")
	if !ok || typ == "" || id == "" {
		return allowListTarget{}, fmt.Errorf("invalid allow_list entry %q: want <type>:<id>", trimmed)
	}
	if typ != "*" && !isRBACResource(typ) {
		return allowListTarget{}, fmt.Errorf("unknown resource type %q", typ)
	}
	if id != "*" {
		if _, err := uuid.Parse(id); err != nil {
			return allowListTarget{}, fmt.Errorf("invalid %s ID (must be UUID): %q", typ, id)
		}
	}
	return allowListTarget{typ: typ, id: id}, nil
}

// normalizeAllowList is rbac.NormalizeAllowList: *:* collapses everything, T:* absorbs
// T:<id>, duplicates go, the rest is sorted by type then id; nothing means unrestricted.
func normalizeAllowList(targets []allowListTarget) []string {
	wildcardTypes := map[string]bool{}
	for _, t := range targets {
		if t.typ == "*" && t.id == "*" {
			return []string{allowAll}
		}
		if t.id == "*" {
			wildcardTypes[t.typ] = true
		}
	}
	seen := map[allowListTarget]bool{}
	kept := []allowListTarget{}
	for _, t := range targets {
		if (t.id != "*" && wildcardTypes[t.typ]) || seen[t] {
			continue
		}
		seen[t] = true
		kept = append(kept, t)
	}
	if len(kept) == 0 {
		return []string{allowAll}
	}
	sort.Slice(kept, func(i, j int) bool {
		if kept[i].typ != kept[j].typ {
			return kept[i].typ < kept[j].typ
		}
		return kept[i].id < kept[j].id
	})
	out := make([]string, len(kept))
	for i, t := range kept {
		out[i] = t.String()
	}
	return out
}

// canonicalScopes rewrites aliases and drops duplicates, keeping first-seen order.
func canonicalScopes(names []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, name := range names {
		canonical := canonicalScope(name)
		if !seen[canonical] {
			seen[canonical] = true
			out = append(out, canonical)
		}
	}
	return out
}

// legacyScope derives the deprecated single `scope` field from the stored set.
func legacyScope(scopes []string) string {
	has := func(want string) bool {
		for _, s := range scopes {
			if s == want {
				return true
			}
		}
		return false
	}
	switch {
	case has(scopeAppConnect):
		return "application_connect"
	case has(scopeAll):
		return "all"
	default:
		return ""
	}
}
