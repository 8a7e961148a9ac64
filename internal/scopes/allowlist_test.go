package scopes

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Test IDs differ from exampleUUID so the tests can tell the user's own ID
// (reused in corrections) from the placeholder.
const (
	wsID    = "1f0c9b7e-3a2d-4c5b-8e6f-7a8b9c0d1e2f"
	wsIDAlt = "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"
	ex      = "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c" // exampleUUID
)

func TestParseAllowListAccepts(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []string
	}{
		{"none", nil, nil},
		{"typed wildcard", []string{"workspace:*"}, []string{"workspace:*"}},
		{"everything", []string{"*:*"}, []string{"*:*"}},
		{"any type by id", []string{"*:" + wsID}, []string{"*:" + wsID}},
		{"internal types are accepted", []string{"workspace_dormant:*,system:*"}, []string{"workspace_dormant:*", "system:*"}},
		{
			"comma separated, repeated, trimmed, order and duplicates kept",
			[]string{" workspace:" + wsID + " , template:*", "workspace:" + wsID},
			[]string{"workspace:" + wsID, "template:*", "workspace:" + wsID},
		},
		{"upper case UUID is canonicalised", []string{"workspace:" + strings.ToUpper(wsID)}, []string{"workspace:" + wsID}},
		{"32 hex digits", []string{"workspace:" + strings.ReplaceAll(wsID, "-", "")}, []string{"workspace:" + wsID}},
		{"braces", []string{"user:{" + wsID + "}"}, []string{"user:" + wsID}},
		{"urn form", []string{"user:urn:uuid:" + wsID}, []string{"user:" + wsID}},
		// The server accepts a UUID here even though it can never match;
		// Explain warns about it instead.
		{"api_key with a UUID", []string{"api_key:" + wsID}, []string{"api_key:" + wsID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAllowList(Snapshot(), tt.values)
			if err != nil {
				t.Fatalf("ParseAllowList(%q): %v", tt.values, err)
			}
			if got := entryStrings(got); !slices.Equal(got, tt.want) {
				t.Errorf("ParseAllowList(%q) = %q, want %q", tt.values, got, tt.want)
			}
		})
	}
}

func TestParseAllowListRejects(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"badvalue", `invalid allow_list entry "badvalue": want <type>:<id>, e.g. "workspace:` + ex + `"`},
		{"template", `invalid allow_list entry "template": want <type>:<id>, e.g. "template:` + ex + `"`},
		{strings.ToUpper(wsID), `invalid allow_list entry "` + strings.ToUpper(wsID) + `": want <type>:<id>, e.g. "workspace:` + wsID + `"`},
		{":*", `invalid allow_list entry ":*": want <type>:<id>, e.g. "workspace:*"`},
		{"workspace:", `invalid allow_list entry "workspace:": want <type>:<id>, e.g. "workspace:` + ex + `"`},
		{"Workspace:*", `invalid allow_list entry "Workspace:*": unknown resource type "Workspace" (did you mean "workspace"?); e.g. "workspace:*"`},
		{"workspaces:" + wsID, `invalid allow_list entry "workspaces:` + wsID + `": unknown resource type "workspaces" (did you mean "workspace"?); e.g. "workspace:` + wsID + `"`},
		{"foo:*", `invalid allow_list entry "foo:*": unknown resource type "foo"; e.g. "workspace:*"`},
		{"workspace:abc", `invalid allow_list entry "workspace:abc": invalid workspace ID (must be UUID): "abc"; e.g. "workspace:` + ex + `"`},
		{"workspace: " + wsID, `invalid allow_list entry "workspace: ` + wsID + `": invalid workspace ID (must be UUID): " ` + wsID + `"; e.g. "workspace:` + wsID + `"`},
		{"TEMPLATE:1", `invalid allow_list entry "TEMPLATE:1": unknown resource type "TEMPLATE" (did you mean "template"?); invalid TEMPLATE ID (must be UUID): "1"; e.g. "template:` + ex + `"`},
		{"api_key:abcdef1234", `invalid allow_list entry "api_key:abcdef1234": invalid api_key ID (must be UUID): "abcdef1234"; api_key objects have no UUID, only "api_key:*" can match them; e.g. "api_key:*"`},
		{"license:12", `invalid allow_list entry "license:12": invalid license ID (must be UUID): "12"; license objects have no UUID, only "license:*" can match them; e.g. "license:*"`},
		{"", `allow list entry cannot be empty; want <type>:<id>, e.g. "workspace:` + ex + `"`},
		{"template:*,,user:*", `allow list entry cannot be empty (in "template:*,,user:*"); want <type>:<id>, e.g. "workspace:` + ex + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseAllowList(Snapshot(), []string{tt.value})
			if err == nil {
				t.Fatalf("ParseAllowList(%q) = %v, want an error", tt.value, got)
			}
			if got != nil {
				t.Errorf("ParseAllowList(%q) returned entries %v alongside an error", tt.value, got)
			}
			if err.Error() != tt.want {
				t.Errorf("ParseAllowList(%q) error\n got: %s\nwant: %s", tt.value, err, tt.want)
			}
		})
	}
}

func TestParseAllowListOneErrorPerBadEntry(t *testing.T) {
	_, err := ParseAllowList(Snapshot(), []string{"workspace:*,foo:*", "workspace:abc", "user:" + wsID})
	if err == nil {
		t.Fatal("want an error")
	}
	want := []string{
		`invalid allow_list entry "foo:*": unknown resource type "foo"; e.g. "workspace:*"`,
		`invalid allow_list entry "workspace:abc": invalid workspace ID (must be UUID): "abc"; e.g. "workspace:` + ex + `"`,
	}
	if got := strings.Split(err.Error(), "\n"); !slices.Equal(got, want) {
		t.Errorf("errors\n got: %q\nwant: %q", got, want)
	}
}

func TestParseAllowListEntryLimit(t *testing.T) {
	// The server counts before de-duplication, so 129 copies of one entry
	// are too many while 128 are fine.
	entries := func(n int) []string {
		values := make([]string, n)
		for i := range values {
			values[i] = "workspace:" + wsID
		}
		return values
	}
	if _, err := ParseAllowList(Snapshot(), entries(MaxAllowListEntries)); err != nil {
		t.Errorf("%d entries: %v", MaxAllowListEntries, err)
	}
	_, err := ParseAllowList(Snapshot(), []string{strings.Join(entries(MaxAllowListEntries+1), ",")})
	want := `allow_list has 129 entries; max allowed is 128 (a typed wildcard such as "workspace:*" covers every object of a type)`
	if err == nil || err.Error() != want {
		t.Errorf("129 entries: error %v, want %s", err, want)
	}
}

func TestAllowEntryString(t *testing.T) {
	if got := (AllowEntry{Type: "workspace", ID: wsID}).String(); got != "workspace:"+wsID {
		t.Errorf("String() = %q", got)
	}
}

func TestNormalizeAllowList(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"empty stays empty", nil, []string{}},
		{"any *:* collapses", []string{"workspace:" + wsID, "*:*", "template:*"}, []string{"*:*"}},
		{"typed wildcard absorbs its ids", []string{"workspace:" + wsID, "workspace:*", "template:" + wsID}, []string{"template:" + wsID, "workspace:*"}},
		{"typed wildcard does not absorb *:<id>", []string{"*:" + wsID, "workspace:*"}, []string{"*:" + wsID, "workspace:*"}},
		{"dedupe and sort by type then id", []string{"workspace:" + wsIDAlt, "user:" + wsID, "workspace:" + wsID, "workspace:" + wsIDAlt}, []string{"user:" + wsID, "workspace:" + wsID, "workspace:" + wsIDAlt}},
		{"duplicate typed wildcards", []string{"user:*", "user:*"}, []string{"user:*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeAllowList(mustEntries(t, tt.in))
			if got == nil {
				t.Fatal("NormalizeAllowList returned nil, want a non-nil slice")
			}
			if got := entryStrings(got); !slices.Equal(got, tt.want) {
				t.Errorf("NormalizeAllowList(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func mustEntries(t testing.TB, values []string) []AllowEntry {
	t.Helper()
	entries, err := ParseAllowList(Snapshot(), values)
	if err != nil {
		t.Fatalf("ParseAllowList(%q): %v", values, err)
	}
	return entries
}

func entryStrings(entries []AllowEntry) []string {
	if entries == nil {
		return nil
	}
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = fmt.Sprint(e)
	}
	return out
}
