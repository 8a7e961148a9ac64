package scopes

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Fuzz inputs hold one or more flag values separated by newlines, so that
// repeated flags are exercised as well as comma-separated ones. Seeds live in
// testdata/fuzz/<FuzzName>/ and run with plain go test.

func FuzzParseScopes(f *testing.F) {
	c := Snapshot()
	f.Fuzz(func(t *testing.T, input string) {
		scopes, err := ParseScopes(c, strings.Split(input, "\n"))
		if err != nil {
			if scopes != nil {
				t.Fatalf("scopes %v returned alongside error %v", scopes, err)
			}
			return
		}
		for _, s := range scopes {
			if !c.Has(s.Name) || c.Kind(s.Name) != s.Kind {
				t.Fatalf("accepted %+v, which the catalog does not list with that kind", s)
			}
		}
		again, err := ParseScopes(c, []string{strings.Join(ScopeNames(scopes), ",")})
		if err != nil || !slices.Equal(again, scopes) {
			t.Fatalf("round trip of %v gave %v, %v", scopes, again, err)
		}
		if ex := Explain(c, scopes, nil); ex.Warnings == nil {
			t.Fatal("Explain returned nil warnings")
		}
	})
}

func FuzzParseAllowList(f *testing.F) {
	c := Snapshot()
	f.Fuzz(func(t *testing.T, input string) {
		entries, err := ParseAllowList(c, strings.Split(input, "\n"))
		if err != nil {
			if entries != nil {
				t.Fatalf("entries %v returned alongside error %v", entries, err)
			}
			return
		}
		if len(entries) > MaxAllowListEntries {
			t.Fatalf("accepted %d entries, more than %d", len(entries), MaxAllowListEntries)
		}
		texts := make([]string, len(entries))
		for i, e := range entries {
			texts[i] = e.String()
		}
		again, err := ParseAllowList(c, []string{strings.Join(texts, ",")})
		if err != nil || !slices.Equal(again, entries) {
			t.Fatalf("round trip of %v gave %v, %v", entries, again, err)
		}
		normal := NormalizeAllowList(entries)
		if twice := NormalizeAllowList(normal); !slices.Equal(twice, normal) {
			t.Fatalf("NormalizeAllowList is not idempotent: %v then %v", normal, twice)
		}
		if len(entries) > 0 && len(normal) == 0 {
			t.Fatalf("NormalizeAllowList dropped every entry of %v", entries)
		}
		all, _ := ParseScopes(c, []string{"coder:all,workspace:*,coder:workspaces.create"})
		if ex := Explain(c, all, entries); ex.Warnings == nil || len(ex.AllowList) == 0 {
			t.Fatalf("Explain gave %+v", ex)
		}
	})
}

// BenchmarkParseAndExplain parses a full allow list (128 entries) and 20
// scopes and explains them: the work one `tokens create --explain` does.
func BenchmarkParseAndExplain(b *testing.B) {
	c := Snapshot()
	scopeValues := []string{
		"coder:workspaces.access,coder:workspaces.operate,coder:workspaces.create,coder:workspaces.delete",
		"coder:templates.build,coder:templates.author,coder:apikeys.manage_self,coder:application_connect",
		"workspace:*,template:*,user:read,user:read_personal,file:*,api_key:read",
		"user_secret:read,inbox_notification:read,organization:read,chat_model_config:read,user_skill:read,organization_skill:read",
	}
	var allow []string
	for i := range MaxAllowListEntries - 3 {
		types := []string{"workspace", "template", "user", "file"}
		allow = append(allow, fmt.Sprintf("%s:%08X-7d41-4f5b-9a57-2b3e4f5a6b7c", types[i%len(types)], i))
	}
	allow = append(allow, "organization_member:*", "api_key:*", "*:1f0c9b7e-3a2d-4c5b-8e6f-7a8b9c0d1e2f")
	allowValue := []string{strings.Join(allow, ",")}
	b.ReportAllocs()
	for b.Loop() {
		scopes, err := ParseScopes(c, scopeValues)
		if err != nil || len(scopes) != 20 {
			b.Fatalf("ParseScopes: %d scopes, %v", len(scopes), err)
		}
		entries, err := ParseAllowList(c, allowValue)
		if err != nil || len(entries) != MaxAllowListEntries {
			b.Fatalf("ParseAllowList: %d entries, %v", len(entries), err)
		}
		Explain(c, scopes, entries)
	}
}
