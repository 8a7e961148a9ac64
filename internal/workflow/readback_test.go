package workflow

import (
	"strings"
	"testing"
	"time"

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
		name   string
		req    sdk.CreateTokenRequest
		got    sdk.APIKey
		want   []string // prefixes of the reported widenings
		narrow []string // prefixes of the reported narrowings
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
		{
			name:   "a scoped parent gives a subset of the scopes: narrower, delivered",
			req:    sdk.CreateTokenRequest{Scopes: []string{"workspace:read", "template:read"}},
			got:    sdk.APIKey{Scopes: []string{"workspace:read"}, AllowList: allow("*:*")},
			narrow: []string{"the token got narrower scopes than asked (asked for workspace:read,template:read, got workspace:read)"},
		},
		{
			name:   "a wildcard request met by one of its actions is narrower",
			req:    sdk.CreateTokenRequest{Scopes: []string{"workspace:*"}},
			got:    sdk.APIKey{Scopes: []string{"workspace:read"}},
			narrow: []string{"the token got narrower scopes"},
		},
		{
			name: "a composite covering more than the request is wider",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}},
			got:  sdk.APIKey{Scopes: []string{"coder:workspaces.access"}},
			want: []string{"scopes (asked for workspace:read, got coder:workspaces.access)"},
		},
		{
			name: "a composite this build cannot expand is wider unless asked for",
			req:  sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}},
			got:  sdk.APIKey{Scopes: []string{"coder:future.thing"}},
			want: []string{"scopes (asked for workspace:read, got coder:future.thing)"},
		},
		{
			name:   "one object instead of the whole type is narrower",
			req:    sdk.CreateTokenRequest{Scopes: []string{"workspace:read"}, AllowList: allow("workspace:*")},
			got:    sdk.APIKey{Scopes: []string{"workspace:read"}, AllowList: allow("workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")},
			narrow: []string{"the token got a narrower allow list than asked"},
		},
		{
			name: "another object than asked is wider",
			req:  sdk.CreateTokenRequest{AllowList: allow("workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")},
			got:  sdk.APIKey{AllowList: allow("workspace:11111111-2222-4333-8444-555555555555")},
			want: []string{"allow list (asked for"},
		},
		{
			name: "the type wildcard instead of one object is wider",
			req:  sdk.CreateTokenRequest{AllowList: allow("workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")},
			got:  sdk.APIKey{AllowList: allow("workspace:*")},
			want: []string{"allow list (asked for"},
		},
		{
			name:   "an ID under any type admits that ID typed",
			req:    sdk.CreateTokenRequest{AllowList: allow("*:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")},
			got:    sdk.APIKey{AllowList: allow("workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c")},
			narrow: []string{"the token got a narrower allow list"},
		},
		{
			name:   "an expiry capped at the parent's is narrower",
			req:    sdk.CreateTokenRequest{Lifetime: 24 * time.Hour},
			got:    sdk.APIKey{CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ExpiresAt: time.Date(2026, 1, 1, 2, 0, 0, 0, time.UTC)},
			narrow: []string{"the token expires at 2026-01-01T02:00:00Z, after 2h instead of the 1d asked for"},
		},
		{
			name: "the full lifetime, within a second, is as asked",
			req:  sdk.CreateTokenRequest{Lifetime: time.Hour},
			got:  sdk.APIKey{CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 500, time.UTC), ExpiresAt: time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verdict := Judge(scopes.Snapshot(), tt.req, tt.got)
			assertPrefixes(t, "widened", verdict.Widened, tt.want)
			assertPrefixes(t, "narrowed", verdict.Narrowed, tt.narrow)
		})
	}
}

func assertPrefixes(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s = %q, want %d entries %q", what, got, len(want), want)
	}
	for i := range got {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("%s[%d] = %q, want prefix %q", what, i, got[i], want[i])
		}
	}
}
