package workflow

import (
	"strings"
	"testing"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

func TestJudgeWidened(t *testing.T) {
	allow := func(entries ...string) []sdk.AllowListTarget {
		out := []sdk.AllowListTarget{}
		for _, e := range entries {
			target, err := sdk.ParseAllowListTarget(e)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, target)
		}
		return out
	}
	tests := []struct {
		name string
		req  sdk.CreateTokenRequest
		got  sdk.APIKey
		want []string // prefixes of the reported drops
	}{
		{
			name: "nothing requested, nothing to check",
			req:  sdk.CreateTokenRequest{},
			got:  sdk.APIKey{Scopes: nil, AllowList: nil},
		},
		{
			name: "applied as asked, in the server's order",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read", "template:read"}, AllowList: allow("workspace:*", "template:*")},
			got:  sdk.APIKey{Scopes: []string{"template:read", "workspace:read"}, AllowList: allow("template:*", "workspace:*")},
		},
		{
			name: "pre-scopes server leaves both fields out",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}, AllowList: allow("workspace:*")},
			got:  sdk.APIKey{Scope: "all"},
			want: []string{
				"scopes (asked for workspace:read, got coder:all; the server does not support the field)",
				"allow list (asked for workspace:*, got *:*; the server does not support the field)",
			},
		},
		{
			name: "pre-scopes server gives exactly the full access asked for",
			req:  sdk.CreateTokenRequest{Scopes: []string{"coder:all"}, AllowList: allow("*:*")},
			got:  sdk.APIKey{Scope: "all"},
		},
		{
			name: "pre-scopes server with the legacy application_connect scope",
			req:  sdk.CreateTokenRequest{Scopes: []string{"coder:application_connect"}},
			got:  sdk.APIKey{Scope: "application_connect"},
		},
		{
			name: "scopes applied but the allow list ignored (v2.27)",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}, AllowList: allow("workspace:*")},
			got:  sdk.APIKey{Scopes: []string{"workspace:read"}, AllowList: allow("*:*")},
			want: []string{"allow list (asked for workspace:*, got *:*)"},
		},
		{
			name: "scopes replaced by the default",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}},
			got:  sdk.APIKey{Scopes: []string{"coder:all"}, AllowList: allow("*:*")},
			want: []string{"scopes (asked for workspace:read, got coder:all)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Judge(scopes.Snapshot(), tt.req, tt.got).Widened
			if len(got) != len(tt.want) {
				t.Fatalf("dropped = %q, want %d entries %q", got, len(tt.want), tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("dropped[%d] = %q, want prefix %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
