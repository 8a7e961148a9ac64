package coderdtest

import (
	"bytes"
	"crypto/sha256"
	"net/http"
	"regexp"
	"testing"
	"time"
)

func TestAuthFailuresAnswer401WithExactDetail(t *testing.T) {
	s := newTestServer(t, Options{})
	expiring := s.MintToken(s.Member, "short", time.Hour, nil, nil)
	s.Advance(2 * time.Hour)
	ownerID := keyID(s.Owner.SessionToken)

	tests := []struct {
		name   string
		token  string
		detail string
	}{
		{"missing", "", `Cookie "coder_session_token" or query parameter must be provided.`},
		{"one part", "abcdefghij", "Invalid API key format: incorrect amount of API key parts, expected 2 got 1"},
		{"three parts", "a-b-c", "Invalid API key format: incorrect amount of API key parts, expected 2 got 3"},
		{"short id", "abc-0123456789012345678901", "Invalid API key format: invalid API key ID length, expected 10 got 3"},
		{"short secret", "abcdefghij-short", "Invalid API key format: invalid API key secret length, expected 22 got 5"},
		{"unknown id", "ZZZZZZZZZZ-0123456789012345678901", "API key is invalid."},
		{"wrong secret", ownerID + "-0123456789012345678901", "API key secret is invalid."},
		{"expired", expiring, `API key expired at "2026-03-01 11:00:00.123456 +0000 UTC".`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, s, request{path: "/api/v2/users/me", token: tc.token})
			expectResponse(t, got, http.StatusUnauthorized, signedOutBody(tc.detail))
		})
	}
}

// TestTokenSourcesInPrecedenceOrder: whoever's username comes back tells which source won.
func TestTokenSourcesInPrecedenceOrder(t *testing.T) {
	const bogus = "ZZZZZZZZZZ-0123456789012345678901"
	cookie := func(v string) func(*http.Request) {
		return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: "coder_session_token", Value: v}) }
	}
	query := func(name, v string) func(*http.Request) {
		return func(r *http.Request) {
			q := r.URL.Query()
			q.Set(name, v)
			r.URL.RawQuery = q.Encode()
		}
	}
	header := func(name, v string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(name, v) }
	}
	type tokens struct{ owner, member string }
	tests := []struct {
		name       string
		generation Generation
		edits      func(tk tokens) []func(*http.Request)
		wantUser   string // "" = expect the 401 "must be provided"
	}{
		{"cookie", Current, func(tk tokens) []func(*http.Request) { return []func(*http.Request){cookie(tk.member)} }, "member"},
		{"query coder_session_token", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){query("coder_session_token", tk.member)}
		}, "member"},
		{"header", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Coder-Session-Token", tk.member)}
		}, "member"},
		{"bearer", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Authorization", "Bearer "+tk.member)}
		}, "member"},
		{"bearer lower-case and padded", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Authorization", "bearer   "+tk.member+"  ")}
		}, "member"},
		{"access_token", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){query("access_token", tk.member)}
		}, "member"},
		{"cookie beats query", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){cookie(tk.member), query("coder_session_token", tk.owner)}
		}, "member"},
		{"query beats header", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){query("coder_session_token", tk.member), header("Coder-Session-Token", tk.owner)}
		}, "member"},
		{"header beats bearer", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Coder-Session-Token", tk.member), header("Authorization", "Bearer "+tk.owner)}
		}, "member"},
		{"bearer beats access_token", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Authorization", "Bearer "+tk.member), query("access_token", tk.owner)}
		}, "member"},
		{"stale cookie wins over good header", Current, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){cookie(bogus), header("Coder-Session-Token", tk.member)}
		}, "!invalid"},
		{"pre-scopes ignores bearer", PreScopes, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Authorization", "Bearer "+tk.member)}
		}, ""},
		{"pre-scopes ignores access_token", PreScopes, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){query("access_token", tk.member)}
		}, ""},
		{"pre-scopes still reads header", PreScopes, func(tk tokens) []func(*http.Request) {
			return []func(*http.Request){header("Coder-Session-Token", tk.member)}
		}, "member"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{Generation: tc.generation})
			edits := tc.edits(tokens{owner: s.Owner.SessionToken, member: s.Member.SessionToken})
			got := do(t, s, request{path: "/api/v2/users/me", edit: func(r *http.Request) {
				for _, edit := range edits {
					edit(r)
				}
			}})
			switch tc.wantUser {
			case "":
				expectResponse(t, got, http.StatusUnauthorized,
					signedOutBody(`Cookie "coder_session_token" or query parameter must be provided.`))
			case "!invalid":
				expectResponse(t, got, http.StatusUnauthorized, signedOutBody("API key is invalid."))
			default:
				var user struct {
					Username string `json:"username"`
				}
				decodeInto(t, got, &user)
				if got.status != http.StatusOK || user.Username != tc.wantUser {
					t.Fatalf("got %d user %q, want 200 %q", got.status, user.Username, tc.wantUser)
				}
			}
		})
	}
}

func TestKeysAreRandomAndStoredHashed(t *testing.T) {
	s := newTestServer(t, Options{})
	format := regexp.MustCompile(`^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$`)
	seen := map[string]bool{}
	for i := 0; i < 50; i++ {
		key := createToken(t, s, s.Owner.SessionToken, "me", `{}`)
		if !format.MatchString(key) {
			t.Fatalf("key of length %d does not match <10 id>-<22 secret> over [0-9A-Za-z]", len(key))
		}
		if seen[key] {
			t.Fatal("two created keys are identical")
		}
		seen[key] = true
		id, secret := key[:10], key[11:]
		s.mu.Lock()
		stored := s.keys[id].hashedSecret
		s.mu.Unlock()
		if stored != sha256.Sum256([]byte(secret)) {
			t.Fatal("stored secret is not the sha256 of the key secret")
		}
	}
}

func TestLastUsedRefreshesAtMostHourly(t *testing.T) {
	s := newTestServer(t, Options{})
	key := s.MintToken(s.Member, "ci", 0, nil, nil)
	lastUsed := func() time.Time {
		stored, ok := s.Token(keyID(key))
		if !ok {
			t.Fatal("minted token not stored")
		}
		return stored.LastUsed
	}
	use := func() {
		if got := do(t, s, request{path: "/api/v2/users/me", token: key}); got.status != http.StatusOK {
			t.Fatalf("use token: status %d", got.status)
		}
	}
	start := testNow.Truncate(time.Microsecond)
	if !lastUsed().Equal(time.Unix(0, 0)) {
		t.Fatalf("fresh token last_used = %v, want the Unix epoch", lastUsed())
	}
	use()
	if !lastUsed().Equal(start) {
		t.Fatalf("after first use last_used = %v, want %v", lastUsed(), start)
	}
	s.Advance(59 * time.Minute)
	use()
	if !lastUsed().Equal(start) {
		t.Fatalf("use within the hour moved last_used to %v", lastUsed())
	}
	s.Advance(2 * time.Minute)
	use()
	if want := start.Add(61 * time.Minute); !lastUsed().Equal(want) {
		t.Fatalf("use after an hour: last_used = %v, want %v", lastUsed(), want)
	}
}

func TestUserParamResolution(t *testing.T) {
	tests := []struct {
		name       string
		generation Generation
		asOwner    bool
		user       func(s *Server) string
		wantStatus int
		wantUser   string
		wantBody   wantBody
	}{
		{"member me", Current, false, func(*Server) string { return "me" }, 200, "member", wantBody{}},
		{"member own username", Current, false, func(*Server) string { return "member" }, 200, "member", wantBody{}},
		{"member own uuid", Current, false, func(s *Server) string { return s.Member.ID.String() }, 200, "member", wantBody{}},
		{"member other username", Current, false, func(*Server) string { return "admin" }, 404, "", notFoundBody},
		{"member other uuid", Current, false, func(s *Server) string { return s.Owner.ID.String() }, 404, "", notFoundBody},
		{"member unknown", Current, false, func(*Server) string { return "nobody" }, 404, "", notFoundBody},
		{"owner other username", Current, true, func(*Server) string { return "member" }, 200, "member", wantBody{}},
		{"owner username any case", Current, true, func(*Server) string { return "MEMBER" }, 200, "member", wantBody{}},
		{"owner other uuid", Current, true, func(s *Server) string { return s.Member.ID.String() }, 200, "member", wantBody{}},
		{"owner unknown", Current, true, func(*Server) string { return "nobody" }, 404, "", notFoundBody},
		{"pre-scopes member other", PreScopes, false, func(*Server) string { return "admin" }, 400, "",
			wantBody{message: `"user" must be an existing uuid or username.`, detail: `queried user="admin"`}},
		{"pre-scopes owner unknown", PreScopes, true, func(*Server) string { return "nobody" }, 400, "",
			wantBody{message: `"user" must be an existing uuid or username.`, detail: `queried user="nobody"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{Generation: tc.generation})
			token := s.Member.SessionToken
			if tc.asOwner {
				token = s.Owner.SessionToken
			}
			for _, path := range []string{"/api/v2/users/" + tc.user(s), "/api/v2/users/" + tc.user(s) + "/keys/tokens"} {
				got := do(t, s, request{path: path, token: token})
				if tc.wantStatus != http.StatusOK {
					expectResponse(t, got, tc.wantStatus, tc.wantBody)
					continue
				}
				if got.status != http.StatusOK {
					t.Fatalf("GET %s: status %d body %s", path, got.status, got.body)
				}
			}
			if tc.wantUser != "" {
				var user struct {
					Username string `json:"username"`
				}
				decodeInto(t, do(t, s, request{path: "/api/v2/users/" + tc.user(s), token: token}), &user)
				if user.Username != tc.wantUser {
					t.Errorf("resolved %q, want %q", user.Username, tc.wantUser)
				}
			}
		})
	}
}

// TestErrorBodiesNeverEchoTheSecret guards the rule that secrets stay out of responses.
func TestErrorBodiesNeverEchoTheSecret(t *testing.T) {
	s := newTestServer(t, Options{})
	const presentedSecret = "0123456789012345678901"
	got := do(t, s, request{path: "/api/v2/users/me", token: keyID(s.Owner.SessionToken) + "-" + presentedSecret})
	if got.status != http.StatusUnauthorized {
		t.Fatalf("status = %d, want 401", got.status)
	}
	if bytes.Contains(got.body, []byte(presentedSecret)) {
		t.Fatal("401 body echoes the presented secret")
	}
}
