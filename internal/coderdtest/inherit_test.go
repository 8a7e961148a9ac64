package coderdtest

import (
	"fmt"
	"net/http"
	"testing"
	"time"
)

func TestScopedParentInheritsWithinTheCaller(t *testing.T) {
	ws := "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"
	tests := []struct {
		name       string
		opts       Options
		parent     []string // scopes; allow list is workspace:ws
		body       string
		wantStatus int
		wantDetail string
		wantScopes []string
		wantAllow  []string
		wantLife   int64
	}{
		{name: "omitted scopes and allow list are inherited", opts: Options{ScopedParent: true},
			parent: []string{"workspace:read", "template:read"}, body: `{}`,
			wantStatus: 201, wantScopes: []string{"workspace:read", "template:read"}, wantAllow: []string{"workspace:" + ws}, wantLife: 3600},
		{name: "narrower is fine", opts: Options{ScopedParent: true},
			parent: []string{"coder:workspaces.access"}, body: `{"scopes":["workspace:ssh"],"allow_list":["workspace:` + ws + `"],"lifetime":` + fmt.Sprint(int64(time.Minute)) + `}`,
			wantStatus: 201, wantScopes: []string{"workspace:ssh"}, wantAllow: []string{"workspace:" + ws}, wantLife: 60},
		{name: "a wider scope is refused", opts: Options{ScopedParent: true},
			parent: []string{"workspace:read"}, body: `{"scopes":["workspace:delete"]}`,
			wantStatus: 400, wantDetail: `exceeds the creating API key: scope "workspace:delete" is not among its scopes (workspace:read)`},
		{name: "coder:all from a scoped key is refused", opts: Options{ScopedParent: true},
			parent: []string{"workspace:*"}, body: `{"scopes":["coder:all"]}`,
			wantStatus: 400, wantDetail: `exceeds the creating API key: scope "coder:all" is not among its scopes (workspace:*)`},
		{name: "a wider allow list entry is refused", opts: Options{ScopedParent: true},
			parent: []string{"workspace:read"}, body: `{"scopes":["workspace:read"],"allow_list":["workspace:*"]}`,
			wantStatus: 400, wantDetail: `exceeds the creating API key: allow list entry "workspace:*" is not covered by its allow list (workspace:` + ws + `)`},
		{name: "without the option, omitted means coder:all", opts: Options{},
			parent: []string{"workspace:read"}, body: `{}`,
			wantStatus: 201, wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"}, wantLife: 604800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newTestServer(t, tt.opts)
			parent := s.MintToken(s.Member, "parent", time.Hour, tt.parent, []string{"workspace:" + ws})
			got := do(t, s, request{method: http.MethodPost, path: "/api/v2/users/me/keys/tokens", token: parent, body: tt.body})
			if tt.wantStatus != 201 {
				expectResponse(t, got, tt.wantStatus, wantBody{message: msgCreateFailed, detail: tt.wantDetail})
				return
			}
			if got.status != 201 {
				t.Fatalf("status %d: %s", got.status, got.body)
			}
			var created struct{ Key string }
			decodeInto(t, got, &created)
			stored, _ := s.Token(keyID(created.Key))
			if fmt.Sprint(stored.Scopes) != fmt.Sprint(tt.wantScopes) || fmt.Sprint(stored.AllowList) != fmt.Sprint(tt.wantAllow) ||
				stored.LifetimeSeconds != tt.wantLife {
				t.Fatalf("stored %+v, want scopes %v allow %v lifetime %d", stored, tt.wantScopes, tt.wantAllow, tt.wantLife)
			}
		})
	}
}

func TestScopedParentCapsExpiryAndLeavesFullKeysAlone(t *testing.T) {
	s := newTestServer(t, Options{ScopedParent: true})
	parent := s.MintToken(s.Member, "parent", time.Hour, []string{"workspace:read"}, nil)
	child := createToken(t, s, parent, "me", `{"scopes":["workspace:read"],"lifetime":`+fmt.Sprint(int64(48*time.Hour))+`}`)
	parentRec, _ := s.Token(keyID(parent))
	childRec, _ := s.Token(keyID(child))
	if !childRec.ExpiresAt.Equal(parentRec.ExpiresAt) || childRec.LifetimeSeconds != 3600 {
		t.Fatalf("child expires %v (%ds), parent %v", childRec.ExpiresAt, childRec.LifetimeSeconds, parentRec.ExpiresAt)
	}
	// A session (coder:all, *:*) is not a scoped parent.
	full := createToken(t, s, s.Member.SessionToken, "me", `{"lifetime":`+fmt.Sprint(int64(48*time.Hour))+`}`)
	if rec, _ := s.Token(keyID(full)); rec.LifetimeSeconds != 48*3600 || fmt.Sprint(rec.Scopes) != "[coder:all]" {
		t.Fatalf("full-access caller: %+v", rec)
	}
}
