package scopes

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestSnapshotMatchesItsSourceCommit(t *testing.T) {
	var file catalogFile
	if err := json.Unmarshal(snapshotJSON, &file); err != nil {
		t.Fatalf("embedded catalog: %v", err)
	}
	if !strings.Contains(file.SourceCommit, snapshotCommit) {
		t.Errorf("scope-catalog.json source_commit %q does not name snapshotCommit %s", file.SourceCommit, snapshotCommit)
	}
	c := Snapshot()
	if c.Source() != SourceSnapshot || c.Source().String() != "bundled snapshot" {
		t.Errorf("Source() = %v (%q), want the bundled snapshot", int(c.Source()), c.Source())
	}
	if want := "coder/coder 00bbef6bebb5, 60 names"; c.SourceNote() != want {
		t.Errorf("SourceNote() = %q, want %q", c.SourceNote(), want)
	}
}

func TestSnapshotContents(t *testing.T) {
	c := Snapshot()
	names := c.Names()
	// scopes.md §2: 2 built-ins + 7 composites + 51 low-level, aliases not counted.
	if len(names) != 60 {
		t.Errorf("Names() has %d entries, want 60", len(names))
	}
	if !slices.IsSorted(names) {
		t.Errorf("Names() is not sorted: %v", names)
	}
	wantComposites := []string{
		"coder:apikeys.manage_self", "coder:templates.author", "coder:templates.build",
		"coder:workspaces.access", "coder:workspaces.create", "coder:workspaces.delete", "coder:workspaces.operate",
	}
	if got := c.Composites(); !slices.Equal(got, wantComposites) {
		t.Errorf("Composites() = %v, want %v", got, wantComposites)
	}
	types := c.ResourceTypes()
	if len(types) != 55 || !slices.IsSorted(types) {
		t.Errorf("ResourceTypes() = %d sorted=%v, want 55 sorted types", len(types), slices.IsSorted(types))
	}
	for _, internal := range []string{"system", "license", "workspace_dormant", "organization_member"} {
		if !slices.Contains(types, internal) {
			t.Errorf("ResourceTypes() lacks internal type %q that allow lists accept", internal)
		}
	}
	wantWorkspace := []string{"application_connect", "create", "create_agent", "delete", "delete_agent", "read", "share", "ssh", "start", "stop", "update", "update_agent"}
	if got := c.Actions("workspace"); !slices.Equal(got, wantWorkspace) {
		t.Errorf("Actions(workspace) = %v, want %v", got, wantWorkspace)
	}
	if got := c.Actions("no_such_type"); got != nil {
		t.Errorf("Actions(no_such_type) = %v, want nil", got)
	}

	// Returned slices are copies: callers cannot corrupt the shared snapshot.
	names[0] = "mutated"
	c.Actions("workspace")[0] = "mutated"
	if c.Names()[0] == "mutated" || c.Actions("workspace")[0] == "mutated" {
		t.Error("mutating a returned slice changed the catalog")
	}
}

func TestCatalogHasAndKind(t *testing.T) {
	c := Snapshot()
	tests := []struct {
		name string
		has  bool
		kind Kind
	}{
		{"coder:all", true, KindSpecial},
		{"coder:application_connect", true, KindSpecial},
		{"all", false, KindSpecial}, // alias: accepted by ParseScopes, not canonical
		{"application_connect", false, KindSpecial},
		{"coder:workspaces.access", true, KindComposite},
		{"workspace:read", true, KindLowLevel},
		{"workspace:*", true, KindWildcard},
		{"user:*", true, KindWildcard},
		{"inbox_notification:*", false, KindWildcard},     // valid but deliberately not public
		{"organization_member:read", false, KindLowLevel}, // reachable only through composites
		{"Workspace:Read", false, KindLowLevel},
	}
	for _, tt := range tests {
		if got := c.Has(tt.name); got != tt.has {
			t.Errorf("Has(%q) = %v, want %v", tt.name, got, tt.has)
		}
		if got := c.Kind(tt.name); got != tt.kind {
			t.Errorf("Kind(%q) = %v, want %v", tt.name, got, tt.kind)
		}
	}
	for kind, want := range map[Kind]string{KindSpecial: "special", KindComposite: "composite", KindLowLevel: "low-level", KindWildcard: "wildcard"} {
		if kind.String() != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(kind), kind.String(), want)
		}
	}
}

func TestCatalogExpand(t *testing.T) {
	c := Snapshot()
	tests := []struct {
		name string
		want []string
	}{
		{"coder:all", []string{"*:*"}},
		{"all", []string{"*:*"}},
		{"coder:application_connect", []string{"workspace:application_connect"}},
		{"coder:workspaces.access", []string{"organization_member:read", "template:read", "workspace:application_connect", "workspace:read", "workspace:ssh"}},
		{"coder:apikeys.manage_self", []string{"api_key:create", "api_key:delete", "api_key:read", "api_key:update"}},
		{"workspace:*", []string{"workspace:*"}},
		{"template:read", []string{"template:read"}},
		{"coder:unknown", nil},
		{"nonsense", nil},
	}
	for _, tt := range tests {
		if got := permissionStrings(c.Expand(tt.name)); !slices.Equal(got, tt.want) {
			t.Errorf("Expand(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFromNames(t *testing.T) {
	// A newer server: lists task scopes and a composite the snapshot lacks,
	// and no longer lists user:read.
	c := FromNames([]string{
		"coder:all", "coder:application_connect", "coder:workspaces.access", "coder:tasks.manage",
		"task:*", "task:read", "workspace:read", "workspace_execution:ssh", "workspace:read", " ",
	})
	if c.Source() != SourceLive || c.Source().String() != "live server catalog" {
		t.Errorf("Source() = %q, want the live server catalog", c.Source())
	}
	if want := "8 names from the server"; c.SourceNote() != want {
		t.Errorf("SourceNote() = %q, want %q", c.SourceNote(), want)
	}
	for name, want := range map[string]bool{
		"coder:tasks.manage": true, "task:read": true, "workspace_execution:ssh": true,
		"user:read": false, "coder:workspaces.create": false, "all": false,
	} {
		if got := c.Has(name); got != want {
			t.Errorf("Has(%q) = %v, want %v", name, got, want)
		}
	}
	if got := c.Composites(); !slices.Equal(got, []string{"coder:tasks.manage", "coder:workspaces.access"}) {
		t.Errorf("Composites() = %v", got)
	}
	if got := c.Expand("coder:tasks.manage"); got != nil {
		t.Errorf("Expand of a composite the snapshot does not know = %v, want nothing", got)
	}
	if got := permissionStrings(c.Expand("coder:workspaces.access")); len(got) != 5 {
		t.Errorf("known composite expansion should come from the snapshot, got %v", got)
	}
	types := c.ResourceTypes()
	for _, typ := range []string{"task", "workspace_execution", "workspace", "system"} {
		if !slices.Contains(types, typ) {
			t.Errorf("ResourceTypes() lacks %q", typ)
		}
	}
	if got := c.Actions("workspace_execution"); !slices.Equal(got, []string{"ssh"}) {
		t.Errorf("Actions(workspace_execution) = %v, want [ssh]", got)
	}
	if got := c.Actions("task"); !slices.Equal(got, []string{"read"}) {
		t.Errorf("Actions(task) = %v, want [read]", got)
	}
	// The live catalog must not have altered the shared snapshot.
	if slices.Contains(Snapshot().ResourceTypes(), "task") {
		t.Error("FromNames leaked a live resource type into the snapshot")
	}
}

func TestSourceString(t *testing.T) {
	if got := Source(7).String(); got != "Source(7)" {
		t.Errorf("unknown Source renders as %q", got)
	}
}

func permissionStrings(perms []Permission) []string {
	if perms == nil {
		return nil
	}
	out := make([]string, len(perms))
	for i, p := range perms {
		out[i] = p.String()
	}
	return out
}
