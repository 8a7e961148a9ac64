package scopes

import (
	"slices"
	"strings"
	"testing"
)

func TestParseScopesDeferred(t *testing.T) {
	snap := Snapshot()
	tests := []struct {
		name        string
		values      []string
		wantNames   []string
		wantUnknown []string
		wantErr     string
	}{
		{name: "snapshot names parse as before", values: []string{"workspace:read,all"}, wantNames: []string{"workspace:read", "coder:all"}},
		{name: "a well-formed name the snapshot lacks is deferred, in place", values: []string{"workspace:read", "workspace_execution:read,template:read"},
			wantNames: []string{"workspace:read", "workspace_execution:read", "template:read"}, wantUnknown: []string{"workspace_execution:read"}},
		{name: "a new composite is deferred", values: []string{"coder:tasks.run"}, wantNames: []string{"coder:tasks.run"}, wantUnknown: []string{"coder:tasks.run"}},
		{name: "a typo is well formed, so the server's catalog judges it", values: []string{"worksapce:read"}, wantNames: []string{"worksapce:read"}, wantUnknown: []string{"worksapce:read"}},
		{name: "upper case is a syntax error", values: []string{"Workspace:Read"}, wantErr: `scope names are lower case; did you mean "workspace:read"?`},
		{name: "spaces are a syntax error", values: []string{"workspace: read"}, wantErr: "scope names contain no spaces"},
		{name: "no colon", values: []string{"workspace"}, wantErr: "want <resource>:<action>"},
		{name: "wildcard resource", values: []string{"*:*"}, wantErr: "coder:all"},
		{name: "a syntax error beside a deferred name still fails", values: []string{"new_thing:read", "Bad"}, wantErr: `"Bad"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parsed, unknown, err := ParseScopesDeferred(snap, tt.values)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ScopeNames(parsed); !slices.Equal(got, tt.wantNames) {
				t.Errorf("names = %q, want %q", got, tt.wantNames)
			}
			if !slices.Equal(unknown, tt.wantUnknown) {
				t.Errorf("unknown = %q, want %q", unknown, tt.wantUnknown)
			}
		})
	}
}

func TestDeferredNamesAgainstTheLiveCatalog(t *testing.T) {
	live := FromNames(append(Snapshot().Names(), "workspace_execution:read", "workspace_execution:*"))
	if err := CheckDeferredScopes(live, []string{"workspace_execution:read"}); err != nil {
		t.Errorf("a live name was refused: %v", err)
	}
	err := CheckDeferredScopes(live, []string{"workspace_execution:raed"})
	if err == nil || !strings.Contains(err.Error(), `did you mean "workspace_execution:read"`) {
		t.Errorf("typo of a live name: %v, want did-you-mean over the live names", err)
	}
	err = CheckDeferredScopes(Snapshot(), []string{"workspace_execution:read"})
	if err == nil || !strings.Contains(err.Error(), `invalid or unsupported API key scope: "workspace_execution:read"`) {
		t.Errorf("snapshot check: %v", err)
	}

	values := []string{"workspace_execution:*", "workspace:*"}
	types := DeferredTypes(Snapshot(), values)
	if !slices.Equal(types, []string{"workspace_execution"}) {
		t.Fatalf("deferred types = %q", types)
	}
	entries, err := ParseAllowList(Snapshot().WithTypes(types), values)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckDeferredTypes(live, entries, types); err != nil {
		t.Errorf("a type a live scope names was refused: %v", err)
	}
	err = CheckDeferredTypes(Snapshot(), entries, types)
	if err == nil || !strings.Contains(err.Error(), `unknown resource type "workspace_execution"`) {
		t.Errorf("snapshot check of the type: %v", err)
	}
	typo := []string{"workspace_executon:*"}
	typoTypes := DeferredTypes(Snapshot(), typo)
	typoEntries, _ := ParseAllowList(Snapshot().WithTypes(typoTypes), typo)
	err = CheckDeferredTypes(live, typoEntries, typoTypes)
	if err == nil || !strings.Contains(err.Error(), `(did you mean "workspace_execution"?)`) {
		t.Errorf("typo of a live type: %v, want did-you-mean over the live types", err)
	}
	if DeferredTypes(Snapshot(), []string{"Workspace:*", "*:*"}) != nil {
		t.Error("a malformed type or the wildcard was deferred; the snapshot parse must reject or accept them")
	}
}
