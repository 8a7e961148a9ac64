package scopes

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	tests := []struct {
		name      string
		scopes    []string
		allow     []string
		wantAllow []string
		// resources rendered as "resource [actions] via [scopes] objects [objects]"
		wantResources []string
		wantWarnings  []Warning
	}{
		{
			name:          "nothing given means coder:all on everything",
			wantAllow:     []string{"*:*"},
			wantResources: []string{"* [*] via [coder:all] objects [*]"},
			wantWarnings: []Warning{{WarnNoScopes,
				"no scope was requested, so the token gets coder:all: everything its owner can do"}},
		},
		{
			name:      "composites merge per resource and keep request order in via",
			scopes:    []string{"coder:workspaces.access,coder:workspaces.operate", "workspace:read"},
			wantAllow: []string{"*:*"},
			wantResources: []string{
				"organization_member [read] via [coder:workspaces.access coder:workspaces.operate] objects [*]",
				"template [read] via [coder:workspaces.access coder:workspaces.operate] objects [*]",
				"workspace [application_connect read ssh start stop update] via [coder:workspaces.access coder:workspaces.operate workspace:read] objects [*]",
			},
			wantWarnings: []Warning{},
		},
		{
			name:          "coder:application_connect",
			scopes:        []string{"application_connect"},
			wantAllow:     []string{"*:*"},
			wantResources: []string{"workspace [application_connect] via [coder:application_connect] objects [*]"},
			wantWarnings:  []Warning{},
		},
		{
			name:          "granted type with no allow-list entry is unusable",
			scopes:        []string{"template:read,workspace:read"},
			allow:         []string{"workspace:" + wsID},
			wantAllow:     []string{"workspace:" + wsID},
			wantResources: []string{"template [read] via [template:read] objects []", "workspace [read] via [workspace:read] objects [" + wsID + "]"},
			wantWarnings: []Warning{
				{WarnResourceNotAllowed, "template is granted by template:read, but no allow-list entry covers template objects, so the token can never use it; add template:* or template:<id>"},
				{WarnWorkspaceMissingRelated, "the allow list names specific workspaces, but workspace calls also check the workspace's template, owner and organization membership; add template:<template-id>, user:<owner-id>, organization_member:<owner-user-id> (and workspace_dormant:<id> if the workspace may go dormant)"},
			},
		},
		{
			name:      "create with only specific ids",
			scopes:    []string{"template:create,template:read"},
			allow:     []string{"template:" + wsIDAlt, "template:" + wsID},
			wantAllow: []string{"template:" + wsID, "template:" + wsIDAlt},
			wantResources: []string{
				"template [create read] via [template:create template:read] objects [" + wsID + " " + wsIDAlt + "]",
			},
			wantWarnings: []Warning{
				{WarnCreateNeedsWildcard, "template:create is granted, but the allow list names only specific template IDs; a new object has no ID yet, so creating needs template:*"},
			},
		},
		{
			name:      "wildcard scopes include every action; create via workspace:* needs workspace:*",
			scopes:    []string{"workspace:*,user:*"},
			allow:     []string{"workspace:" + wsID, "template:*", "user:*", "organization_member:*"},
			wantAllow: []string{"organization_member:*", "template:*", "user:*", "workspace:" + wsID},
			wantResources: []string{
				"user [*] via [user:*] objects [*]",
				"workspace [*] via [workspace:*] objects [" + wsID + "]",
			},
			wantWarnings: []Warning{
				{WarnWildcardScope, "workspace:* grants every workspace action, including internal ones and any a later server release adds (today: application_connect, create, create_agent, delete, delete_agent, read, share, ssh, start, stop, update, update_agent)"},
				{WarnWildcardScope, "user:* grants every user action, including internal ones and any a later server release adds (today: create, delete, read, read_personal, update, update_personal)"},
				{WarnCreateNeedsWildcard, "workspace:create is granted, but the allow list names only specific workspace IDs; a new object has no ID yet, so creating needs workspace:*"},
			},
		},
		{
			name:      "workspace with every companion entry is quiet",
			scopes:    []string{"coder:workspaces.access"},
			allow:     []string{"workspace:" + wsID, "template:" + wsIDAlt, "user:" + wsIDAlt, "organization_member:" + wsIDAlt},
			wantAllow: []string{"organization_member:" + wsIDAlt, "template:" + wsIDAlt, "user:" + wsIDAlt, "workspace:" + wsID},
			wantResources: []string{
				"organization_member [read] via [coder:workspaces.access] objects [" + wsIDAlt + "]",
				"template [read] via [coder:workspaces.access] objects [" + wsIDAlt + "]",
				"workspace [application_connect read ssh] via [coder:workspaces.access] objects [" + wsID + "]",
			},
			wantWarnings: []Warning{},
		},
		{
			name:      "workspace companions: *:<the workspace's own id> covers none of them",
			scopes:    []string{"workspace:read"},
			allow:     []string{"workspace:" + wsID, "*:" + wsID, "template:*", "organization_member:*"},
			wantAllow: []string{"*:" + wsID, "organization_member:*", "template:*", "workspace:" + wsID},
			wantResources: []string{
				"workspace [read] via [workspace:read] objects [" + wsID + "]",
			},
			wantWarnings: []Warning{
				{WarnWorkspaceMissingRelated, "the allow list names specific workspaces, but workspace calls also check the workspace's template, owner and organization membership; add user:<owner-id> (and workspace_dormant:<id> if the workspace may go dormant)"},
			},
		},
		{
			name:      "workspace companions: *:<another id> may be the template, owner or membership",
			scopes:    []string{"workspace:read"},
			allow:     []string{"workspace:" + wsID, "*:" + wsIDAlt},
			wantAllow: []string{"*:" + wsIDAlt, "workspace:" + wsID},
			wantResources: []string{
				"workspace [read] via [workspace:read] objects [" + wsID + " " + wsIDAlt + "]",
			},
			wantWarnings: []Warning{},
		},
		{
			name:      "an id listed both typed and as *:<id> is admitted once",
			scopes:    []string{"template:read"},
			allow:     []string{"template:" + wsID, "*:" + wsID, "template:" + wsIDAlt},
			wantAllow: []string{"*:" + wsID, "template:" + wsID, "template:" + wsIDAlt},
			wantResources: []string{
				"template [read] via [template:read] objects [" + wsID + " " + wsIDAlt + "]",
			},
			wantWarnings: []Warning{},
		},
		{
			name:      "*:<id> admits that id for every type",
			scopes:    []string{"template:read"},
			allow:     []string{"*:" + wsID},
			wantAllow: []string{"*:" + wsID},
			wantResources: []string{
				"template [read] via [template:read] objects [" + wsID + "]",
			},
			wantWarnings: []Warning{},
		},
		{
			name:      "coder:all with a restrictive list; api_key ids never match",
			scopes:    []string{"coder:all"},
			allow:     []string{"api_key:" + wsIDAlt, "license:" + wsID, "template:*"},
			wantAllow: []string{"api_key:" + wsIDAlt, "license:" + wsID, "template:*"},
			wantResources: []string{
				"* [*] via [coder:all] objects [api_key:" + wsIDAlt + " license:" + wsID + " template:*]",
			},
			wantWarnings: []Warning{
				{WarnAllRestricted, "coder:all grants every action on every type, but the allow list still limits it to the listed objects; everything else is denied"},
				{WarnIDNeverMatches, "api_key:" + wsIDAlt + " never matches: api_key objects are identified by a 10-character key ID, not a UUID; use api_key:* instead"},
				{WarnIDNeverMatches, "license:" + wsID + " never matches: license objects are identified by an integer, not a UUID; use license:* instead"},
			},
		},
		{
			name:          "*:* anywhere lifts every restriction",
			scopes:        []string{"coder:all"},
			allow:         []string{"workspace:" + wsID, "*:*"},
			wantAllow:     []string{"*:*"},
			wantResources: []string{"* [*] via [coder:all] objects [*]"},
			wantWarnings:  []Warning{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			scopes, err := ParseScopes(Snapshot(), tt.scopes)
			if err != nil {
				t.Fatalf("ParseScopes: %v", err)
			}
			got := Explain(Snapshot(), scopes, mustEntries(t, tt.allow))
			if !slices.Equal(got.AllowList, tt.wantAllow) {
				t.Errorf("AllowList = %q, want %q", got.AllowList, tt.wantAllow)
			}
			if resources := renderResources(got.Resources); !slices.Equal(resources, tt.wantResources) {
				t.Errorf("Resources\n got: %q\nwant: %q", resources, tt.wantResources)
			}
			if !slices.Equal(got.Warnings, tt.wantWarnings) {
				t.Errorf("Warnings\n got: %q\nwant: %q", got.Warnings, tt.wantWarnings)
			}
		})
	}
}

func TestExplainUnknownLiveComposite(t *testing.T) {
	live := FromNames([]string{"coder:all", "coder:tasks.manage", "workspace:read"})
	scopes, err := ParseScopes(live, []string{"coder:tasks.manage", "workspace:read"})
	if err != nil {
		t.Fatal(err)
	}
	got := Explain(live, scopes, nil)
	want := []Warning{{WarnUnknownComposite, "coder:tasks.manage is offered by the server but this build does not know what it grants; it is shown with no permissions"}}
	if !slices.Equal(got.Warnings, want) {
		t.Errorf("Warnings = %q, want %q", got.Warnings, want)
	}
	if !slices.Equal(got.Scopes, []string{"coder:tasks.manage", "workspace:read"}) {
		t.Errorf("Scopes = %q", got.Scopes)
	}
	if r := renderResources(got.Resources); !slices.Equal(r, []string{"workspace [read] via [workspace:read] objects [*]"}) {
		t.Errorf("Resources = %q", r)
	}
}

func TestExplainJSONShape(t *testing.T) {
	// The CLI emits this as-is with -o json: empty lists must be [] not null.
	scopes, err := ParseScopes(Snapshot(), []string{"template:read"})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(Explain(Snapshot(), scopes, mustEntries(t, []string{"workspace:*"})))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"scopes":["template:read"],"allow_list":["workspace:*"],` +
		`"resources":[{"resource":"template","actions":["read"],"via":["template:read"],"objects":[]}],` +
		`"warnings":[{"code":"resource_not_allowed","message":"template is granted by template:read, but no allow-list entry covers template objects, so the token can never use it; add template:* or template:\u003cid\u003e"}]}`
	if string(raw) != want {
		t.Errorf("JSON\n got: %s\nwant: %s", raw, want)
	}
	quiet, err := json.Marshal(Explain(Snapshot(), scopes, nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(quiet), `"warnings":[]}`) {
		t.Errorf("no warnings must encode as [], got %s", quiet)
	}
}

func renderResources(resources []ResourceAccess) []string {
	out := make([]string, len(resources))
	for i, r := range resources {
		out[i] = fmt.Sprintf("%s %v via %v objects %v", r.Resource, r.Actions, r.Via, r.Objects)
	}
	return out
}
