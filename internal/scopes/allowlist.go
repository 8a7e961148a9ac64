package scopes

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// MaxAllowListEntries is the server's cap on allow-list entries, counted
// before de-duplication.
const MaxAllowListEntries = 128

const (
	wildcard = "*"
	// exampleUUID fills examples in error messages when the user's own ID
	// cannot be reused.
	exampleUUID = "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"
	// exampleType fills examples when the user's own type cannot be reused.
	exampleType = "workspace"
)

// AllowEntry is one allow-list entry. Type is "*" or an RBAC resource type;
// ID is "*" or a canonical lower-case hyphenated UUID. A named entry (see
// ParseAllowListWithNames) has Name set instead and an empty ID until resolved.
type AllowEntry struct {
	Type string
	ID   string
	Name string
}

// String renders the wire form "type:id".
func (e AllowEntry) String() string { return e.Type + ":" + e.ID }

func (e AllowEntry) isAll() bool { return e.Type == wildcard && e.ID == wildcard }

// ParseAllowList validates --allow values. Each value may hold several
// comma-separated entries; entries are trimmed and must not be empty. UUIDs
// are re-emitted lower-case and hyphenated (the server stores them as given
// but RBAC only ever matches that form). The result is not normalised; see
// NormalizeAllowList. Every bad entry gets its own error (joined with
// errors.Join) naming the entry, the reason and a corrected example; more
// than MaxAllowListEntries entries is an error too. On error no entries are
// returned.
func ParseAllowList(c *Catalog, values []string) ([]AllowEntry, error) {
	return parseAllowList(c, values, false)
}

func parseAllowList(c *Catalog, values []string, names bool) ([]AllowEntry, error) {
	var (
		entries []AllowEntry
		errs    []error
		count   int
	)
	for _, value := range values {
		for raw := range strings.SplitSeq(value, ",") {
			text := strings.TrimSpace(raw)
			if text == "" {
				errs = append(errs, emptyEntryError(value))
				continue
			}
			count++
			entry, err := c.parseAllowEntry(text, names)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			entries = append(entries, entry)
		}
	}
	if count > MaxAllowListEntries {
		// Mirrors the server's wording; the hint is ours.
		errs = append([]error{fmt.Errorf("allow_list has %d entries; max allowed is %d (a typed wildcard such as %q covers every object of a type)",
			count, MaxAllowListEntries, exampleType+":*")}, errs...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return entries, nil
}

func emptyEntryError(value string) error {
	example := exampleType + ":" + exampleUUID
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("allow list entry cannot be empty; want <type>:<id>, e.g. %q", example)
	}
	return fmt.Errorf("allow list entry cannot be empty (in %q); want <type>:<id>, e.g. %q", value, example)
}

// parseAllowEntry checks one trimmed, non-empty entry like the server's
// codersdk.ParseAllowListEntry, adding the reasons and a corrected example.
func (c *Catalog) parseAllowEntry(text string, names bool) (AllowEntry, error) {
	typ, id, found := strings.Cut(text, ":")
	if !found || typ == "" || id == "" {
		example := c.suggestType(typ) + ":" + suggestID(id)
		if !found {
			if _, err := uuid.Parse(text); err == nil {
				// A bare ID: the type is what is missing.
				example = exampleType + ":" + suggestID(text)
			}
		}
		return AllowEntry{}, fmt.Errorf("invalid allow_list entry %q: want <type>:<id>, e.g. %q", text, example)
	}

	var reasons []string
	fixedType := typ
	if typ != wildcard && !c.isResourceType(typ) {
		reason := fmt.Sprintf("unknown resource type %q", typ)
		fixedType = c.suggestType(typ)
		if fixedType != exampleType || c.closeToType(typ, exampleType) {
			reason += fmt.Sprintf(" (did you mean %q?)", fixedType)
		}
		reasons = append(reasons, reason)
	}
	fixedID := id
	if id != wildcard {
		if parsed, err := uuid.Parse(id); err != nil {
			reason := fmt.Sprintf("invalid %s ID (must be UUID): %q", typ, id)
			if names && len(reasons) == 0 {
				named, why, takesNames := namedEntry(typ, id)
				switch {
				case takesNames && why == "":
					return named, nil
				case takesNames:
					reason = why
				default:
					reason += "; only " + namedTypesText + " entries may name their object"
				}
			}
			reasons = append(reasons, reason)
			fixedID = suggestID(strings.TrimSpace(id))
		} else {
			fixedID = parsed.String()
		}
	}
	if len(reasons) == 0 {
		return AllowEntry{Type: typ, ID: fixedID}, nil
	}
	if noUUID(fixedType) && id != wildcard {
		// The server accepts a UUID here, but it never matches; steer the
		// correction to the only entry that can.
		reasons = append(reasons, fmt.Sprintf("%s objects have no UUID, only %q can match them", fixedType, fixedType+":*"))
		fixedID = wildcard
	}
	return AllowEntry{}, fmt.Errorf("invalid allow_list entry %q: %s; e.g. %q", text, strings.Join(reasons, "; "), fixedType+":"+fixedID)
}

// noUUID reports whether objects of resource type typ are identified by
// something other than a UUID (api_key: a 10-character key ID; license: an
// integer), so only typ:* can match them.
func noUUID(typ string) bool { return typ == "api_key" || typ == "license" }

// suggestType returns the resource type the user most likely meant by typ, or
// exampleType when nothing is close.
func (c *Catalog) suggestType(typ string) string {
	if typ == wildcard {
		return typ
	}
	lower := strings.ToLower(strings.TrimSpace(typ))
	if c.isResourceType(lower) {
		return lower
	}
	if best := nearest(lower, c.resourceTypes, 1); len(best) == 1 {
		return best[0]
	}
	return exampleType
}

// closeToType reports whether typ is a plausible misspelling of resource.
func (c *Catalog) closeToType(typ, resource string) bool {
	return c.suggestType(typ) == resource && (strings.EqualFold(strings.TrimSpace(typ), resource) ||
		levenshtein(strings.ToLower(typ), resource) <= closeEnough(len(typ)))
}

// suggestID returns id canonicalised when it is usable, else a placeholder.
func suggestID(id string) string {
	if id == wildcard {
		return id
	}
	if parsed, err := uuid.Parse(id); err == nil {
		return parsed.String()
	}
	return exampleUUID
}

// NormalizeAllowList is the server's rbac.NormalizeAllowList: any "*:*"
// collapses the list to exactly ["*:*"]; a typed wildcard "T:*" absorbs every
// "T:<id>"; exact duplicates are dropped; the result is sorted by type, then
// ID. Empty input gives an empty (non-nil) result, which the server stores as
// "*:*".
func NormalizeAllowList(entries []AllowEntry) []AllowEntry {
	out := make([]AllowEntry, 0, len(entries))
	if slices.ContainsFunc(entries, AllowEntry.isAll) {
		return append(out, AllowEntry{Type: wildcard, ID: wildcard})
	}
	typedWildcard := map[string]bool{}
	for _, e := range entries {
		if e.ID == wildcard {
			typedWildcard[e.Type] = true
		}
	}
	seen := make(map[AllowEntry]bool, len(entries))
	for _, e := range entries {
		if seen[e] || (e.ID != wildcard && typedWildcard[e.Type]) {
			continue
		}
		seen[e] = true
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b AllowEntry) int {
		if byType := strings.Compare(a.Type, b.Type); byType != 0 {
			return byType
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}
