package cli

import (
	"strings"
	"testing"
	"time"

	"github.com/scopedtokens/coder/sdk"
)

func TestTokenFilterMatch(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	created := now.Add(-90 * 24 * time.Hour)
	token := func(name string, expiresIn, lastUsedAgo time.Duration, scopes []string, allow ...string) sdk.APIKeyWithOwner {
		k := sdk.APIKey{TokenName: name, CreatedAt: created, ExpiresAt: now.Add(expiresIn), Scopes: scopes, LastUsed: time.Unix(0, 0)}
		if lastUsedAgo > 0 {
			k.LastUsed = now.Add(-lastUsedAgo)
		}
		k.AllowList = []sdk.AllowListTarget{}
		for _, a := range allow {
			typ, id, _ := strings.Cut(a, ":")
			k.AllowList = append(k.AllowList, sdk.AllowListTarget{Type: typ, ID: id})
		}
		return sdk.APIKeyWithOwner{APIKey: k}
	}
	day := 24 * time.Hour
	ci := token("ci-7", 2*day, 0, []string{"workspace:read"}, "workspace:*")
	admin := token("admin", 30*day, time.Hour, []string{"coder:all"}, "*:*")
	wide := token("wide", 30*day, 40*day, []string{"workspace:read"}, "*:*")
	expired := token("ci-old", -time.Second, 0, []string{"workspace:read"}, "workspace:*")
	legacyAll := sdk.APIKeyWithOwner{APIKey: sdk.APIKey{TokenName: "legacy", Scope: "all", CreatedAt: created, ExpiresAt: now.Add(day),
		AllowList: []sdk.AllowListTarget{{Type: "workspace", ID: "*"}}}}
	preAllowList := token("pre", day, 0, []string{"workspace:read"})
	preAllowList.AllowList = nil
	usedBeforeCreation := token("odd", day, 0, []string{"workspace:read"}, "workspace:*")
	usedBeforeCreation.LastUsed = created.Add(-time.Hour) // a server's "never" that predates creation

	tests := []struct {
		name   string
		filter tokenFilter
		token  sdk.APIKeyWithOwner
		want   bool
	}{
		{"no filter selects all", tokenFilter{}, expired, true},
		{"glob matches", tokenFilter{Name: "ci-*"}, ci, true},
		{"glob anchors the whole name", tokenFilter{Name: "ci"}, ci, false},
		{"active excludes the expired", tokenFilter{Status: "active"}, expired, false},
		{"expiring the very moment counts as expired", tokenFilter{Status: "expired"}, token("x", 0, 0, nil), true},
		{"expired excludes the active", tokenFilter{Status: "expired"}, ci, false},
		{"expiring within the window", tokenFilter{ExpiringWithin: 3 * day}, ci, true},
		{"expiring just at the window's edge", tokenFilter{ExpiringWithin: 2 * day}, ci, true},
		{"expiring after the window", tokenFilter{ExpiringWithin: day}, ci, false},
		{"already expired is not expiring", tokenFilter{ExpiringWithin: 3 * day}, expired, false},
		{"never used is unused", tokenFilter{UnusedFor: day}, ci, true},
		{"used long ago is unused", tokenFilter{UnusedFor: 30 * day}, wide, true},
		{"used recently is not", tokenFilter{UnusedFor: day}, admin, false},
		{"a last use before creation means never", tokenFilter{UnusedFor: day}, usedBeforeCreation, true},
		{"coder:all is unrestricted", tokenFilter{Unrestricted: true}, admin, true},
		{"an allow list of *:* is unrestricted", tokenFilter{Unrestricted: true}, wide, true},
		{"scoped and allow-listed is not", tokenFilter{Unrestricted: true}, ci, false},
		{"the legacy all scope is unrestricted", tokenFilter{Unrestricted: true}, legacyAll, true},
		{"no allow list at all (old server) is unrestricted", tokenFilter{Unrestricted: true}, preAllowList, true},
		{"every filter must hold", tokenFilter{Name: "ci-*", Unrestricted: true}, ci, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.filter.match(now)(tt.token); got != tt.want {
				t.Errorf("match(%q) = %v, want %v", tt.token.TokenName, got, tt.want)
			}
		})
	}
}

func TestSortSpec(t *testing.T) {
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	mk := func(name string, createdH, lastUsedH int) sdk.APIKeyWithOwner {
		k := sdk.APIKey{ID: name, TokenName: name, CreatedAt: base.Add(time.Duration(createdH) * time.Hour), LastUsed: time.Unix(0, 0)}
		if lastUsedH > 0 {
			k.LastUsed = base.Add(time.Duration(lastUsedH) * time.Hour)
		}
		return sdk.APIKeyWithOwner{APIKey: k}
	}
	tokens := []sdk.APIKeyWithOwner{mk("b", 2, 10), mk("c", 1, 0), mk("a", 3, 5), mk("d", 0, 0)}
	tests := []struct{ spec, want string }{
		{"created_at", "d c b a"},
		{"name", "a b c d"},
		{"-name", "d c b a"},
		// Never used first, in creation order; then by last use.
		{"last_used", "d c a b"},
		{"last-used", "d c a b"},
	}
	for _, tt := range tests {
		var s sortSpec
		if err := s.Set(tt.spec); err != nil {
			t.Fatal(err)
		}
		got := append([]sdk.APIKeyWithOwner(nil), tokens...)
		s.sort(got)
		names := make([]string, len(got))
		for i, g := range got {
			names[i] = g.TokenName
		}
		if strings.Join(names, " ") != tt.want {
			t.Errorf("--sort %s: got %v, want %s", tt.spec, names, tt.want)
		}
	}
}
