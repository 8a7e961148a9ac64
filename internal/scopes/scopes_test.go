package scopes

import (
	"slices"
	"strings"
	"testing"
)

func TestParseScopesAccepts(t *testing.T) {
	tests := []struct {
		name   string
		values []string
		want   []Scope
	}{
		{"none", nil, nil},
		{"only empties", []string{"", " , ,"}, nil},
		{"single", []string{"workspace:read"}, []Scope{{"workspace:read", KindLowLevel}}},
		{
			"comma separated and repeated, trimmed",
			[]string{" workspace:read , template:read", "coder:workspaces.access"},
			[]Scope{{"workspace:read", KindLowLevel}, {"template:read", KindLowLevel}, {"coder:workspaces.access", KindComposite}},
		},
		{"aliases are canonicalised", []string{"all,application_connect"}, []Scope{{"coder:all", KindSpecial}, {"coder:application_connect", KindSpecial}}},
		{
			"duplicates keep the first position, aliases included",
			[]string{"user:read,workspace:*", "all,user:read", "coder:all"},
			[]Scope{{"user:read", KindLowLevel}, {"workspace:*", KindWildcard}, {"coder:all", KindSpecial}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseScopes(Snapshot(), tt.values)
			if err != nil {
				t.Fatalf("ParseScopes(%q) error: %v", tt.values, err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("ParseScopes(%q) = %v, want %v", tt.values, got, tt.want)
			}
		})
	}
}

func TestParseScopesRejects(t *testing.T) {
	const prefix = "invalid or unsupported API key scope: "
	tests := []struct {
		value string
		want  string
	}{
		{"worksapce:read", `"worksapce:read"; did you mean "workspace:read"?`},
		{"coder:workspace.access", `"coder:workspace.access"; did you mean "coder:workspaces.access"?`},
		{"user.*", `"user.*": want <resource>:<action> (e.g. "workspace:read") or a coder: scope; did you mean "user:*"?`},
		{"*:*", `"*:*": the wildcard resource cannot be requested; use "coder:all" for every action on every resource`},
		{"*:read", `"*:read": a scope names one resource type, "*" is allowed only as the action (e.g. "workspace:*"); use "coder:all" for every resource`},
		{":read", `":read": want <resource>:<action> with both parts non-empty`},
		{"workspace:", `"workspace:": want <resource>:<action> with both parts non-empty; did you mean "workspace:*"?`},
		{"workspace: read", `"workspace: read": scope names contain no spaces; did you mean "workspace:read"?`},
		{"Workspace:Read", `"Workspace:Read": scope names are lower case; did you mean "workspace:read"?`},
		{"ALL", `"ALL": scope names are lower case; did you mean "coder:all"?`},
		{"workspace:exec", `"workspace:exec": requestable workspace actions are *, application_connect, create, delete, read, ssh, start, stop, update`},
		{"debug_info:read", `"debug_info:read": this permission exists but is internal to the server and cannot be requested`},
		{"template:view_insights", `"template:view_insights": this permission exists but is internal to the server and cannot be requested; it is granted by "coder:templates.author"`},
		{"organization_member:read", `"organization_member:read": this permission exists but is internal to the server and cannot be requested; it is granted by "coder:workspaces.access", "coder:workspaces.create", "coder:workspaces.delete" or "coder:workspaces.operate"`},
		{"inbox_notification:*", `"inbox_notification:*": this permission exists but is internal to the server and cannot be requested; did you mean "inbox_notification:read"?`},
		{"foo", `"foo": want <resource>:<action> (e.g. "workspace:read") or a coder: scope`},
		{"user:red", `"user:red"; did you mean "user:read"?`},
		{"workspace:sta", `"workspace:sta"; did you mean "workspace:ssh", "workspace:start" or "workspace:stop"?`},
		{"template:us", `"template:us"; did you mean "template:use" or "template:*"?`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseScopes(Snapshot(), []string{tt.value})
			if err == nil {
				t.Fatalf("ParseScopes(%q) = %v, want an error", tt.value, got)
			}
			if got != nil {
				t.Errorf("ParseScopes(%q) returned scopes %v alongside an error", tt.value, got)
			}
			if want := prefix + tt.want; err.Error() != want {
				t.Errorf("ParseScopes(%q) error\n got: %s\nwant: %s", tt.value, err, want)
			}
		})
	}
}

func TestParseScopesReportsEveryBadNameOnce(t *testing.T) {
	_, err := ParseScopes(Snapshot(), []string{"workspace:read,worksapce:read", "*:*", "worksapce:read"})
	if err == nil {
		t.Fatal("want an error")
	}
	lines := strings.Split(err.Error(), "\n")
	want := []string{
		`invalid or unsupported API key scope: "worksapce:read"; did you mean "workspace:read"?`,
		`invalid or unsupported API key scope: "*:*": the wildcard resource cannot be requested; use "coder:all" for every action on every resource`,
	}
	if !slices.Equal(lines, want) {
		t.Errorf("error lines\n got: %q\nwant: %q", lines, want)
	}
}

func TestParseScopesAgainstLiveCatalog(t *testing.T) {
	live := FromNames([]string{"coder:all", "coder:tasks.manage", "task:read", "workspace:read"})
	got, err := ParseScopes(live, []string{"all", "coder:tasks.manage", "task:read"})
	if err != nil {
		t.Fatalf("ParseScopes: %v", err)
	}
	want := []Scope{{"coder:all", KindSpecial}, {"coder:tasks.manage", KindComposite}, {"task:read", KindLowLevel}}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// The server no longer lists application_connect: its alias goes too, and
	// snapshot-only names are rejected.
	_, err = ParseScopes(live, []string{"application_connect", "template:read"})
	wantErr := `invalid or unsupported API key scope: "application_connect": this alias of "coder:application_connect" is not offered by the live server catalog` + "\n" +
		`invalid or unsupported API key scope: "template:read": the server does not offer this scope, although the bundled snapshot lists it (the server is older or newer)`
	if err == nil || err.Error() != wantErr {
		t.Errorf("error\n got: %v\nwant: %s", err, wantErr)
	}
}

func TestScopeNames(t *testing.T) {
	got := ScopeNames([]Scope{{"coder:all", KindSpecial}, {"workspace:*", KindWildcard}})
	if !slices.Equal(got, []string{"coder:all", "workspace:*"}) {
		t.Errorf("ScopeNames = %v", got)
	}
	if got := ScopeNames(nil); len(got) != 0 {
		t.Errorf("ScopeNames(nil) = %v, want empty", got)
	}
}

func TestLevenshtein(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"workspace", "worksapce", 2},
		{"kitten", "sitting", 3},
		{"µs", "us", 1}, // runes, not bytes
	}
	for _, tt := range tests {
		if got := levenshtein(tt.a, tt.b); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := levenshtein(tt.b, tt.a); got != tt.want {
			t.Errorf("levenshtein(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}
