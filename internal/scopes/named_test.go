package scopes

import (
	"slices"
	"strings"
	"testing"
)

func TestParseAllowListWithNamesAcceptsNames(t *testing.T) {
	tests := []struct {
		value         string
		want          string // Written()
		scope, object string
		named         bool
	}{
		{"workspace:alice/dev", "workspace:alice/dev", "alice", "dev", true},
		{"workspace:dev", "workspace:dev", "", "dev", true},
		{"template:coder/docker", "template:coder/docker", "coder", "docker", true},
		{"template:docker", "template:docker", "", "docker", true},
		{"group:coder/devs", "group:coder/devs", "coder", "devs", true},
		{"group:devs", "group:devs", "", "devs", true},
		{"user:me", "user:me", "", "me", true},
		{"user:alice", "user:alice", "", "alice", true},
		{"organization:default", "organization:default", "", "default", true},
		{"organization:research", "organization:research", "", "research", true},
		{"organization_member:alice", "organization_member:alice", "", "alice", true},
		{" workspace:Alice/my-ws.1 ", "workspace:Alice/my-ws.1", "Alice", "my-ws.1", true},
		// UUIDs and wildcards stay what they were.
		{"workspace:" + strings.ToUpper(wsID), "workspace:" + wsID, "", "", false},
		{"template:*", "template:*", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := ParseAllowListWithNames(Snapshot(), []string{tt.value})
			if err != nil {
				t.Fatal(err)
			}
			e := got[0]
			if e.Written() != tt.want || e.IsNamed() != tt.named {
				t.Fatalf("got %+v (written %q), want %q named=%v", e, e.Written(), tt.want, tt.named)
			}
			if tt.named && (e.ID != "" || e.Scope() != tt.scope || e.Object() != tt.object) {
				t.Fatalf("named entry %+v: scope %q object %q, want %q %q and no ID", e, e.Scope(), e.Object(), tt.scope, tt.object)
			}
		})
	}
}

func TestParseAllowListWithNamesRejects(t *testing.T) {
	tests := []struct {
		value string
		want  string
	}{
		{"file:report", `invalid allow_list entry "file:report": invalid file ID (must be UUID): "report"; only workspace, template, user, organization, group and organization_member entries may name their object; e.g. "file:` + ex + `"`},
		{"workspace_dormant:dev", `only workspace, template, user, organization, group and organization_member entries may name their object`},
		{"user:alice/bob", `want user:<username>, user:me or user:<uuid>`},
		{"organization_member:a/b", `want organization_member:<username> or organization_member:<user-uuid>`},
		{"workspace:a/b/c", `want workspace:<owner>/<name>, workspace:<name> or workspace:<uuid>`},
		{"workspace:/dev", `want workspace:<owner>/<name>`},
		{"workspace:alice/", `want workspace:<owner>/<name>`},
		{"template:my template", `template names cannot contain spaces`},
		{"group:dev$", `group names cannot contain '$'`},
		{"wrokspace:dev", `unknown resource type "wrokspace" (did you mean "workspace"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			_, err := ParseAllowListWithNames(Snapshot(), []string{tt.value})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// ParseAllowList, used where nothing resolves names, still wants UUIDs.
func TestParseAllowListStillRejectsNames(t *testing.T) {
	_, err := ParseAllowList(Snapshot(), []string{"workspace:alice/dev"})
	want := `invalid allow_list entry "workspace:alice/dev": invalid workspace ID (must be UUID): "alice/dev"; e.g. "workspace:` + ex + `"`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	got, err := ParseAllowListWithNames(Snapshot(), []string{"workspace:alice/dev,template:*", "user:me"})
	if err != nil || !slices.Equal(writtenOf(got), []string{"workspace:alice/dev", "template:*", "user:me"}) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func writtenOf(entries []AllowEntry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Written()
	}
	return out
}
