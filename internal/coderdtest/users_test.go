package coderdtest

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func TestLogin(t *testing.T) {
	required := func(field string) validationError {
		return validationError{Field: field, Detail: `Validation failed for tag "required" with value: ""`}
	}
	tests := []struct {
		name   string
		body   string
		status int
		want   wantBody
	}{
		{"success", `{"email":"member@coder.test","password":"SomeSecurePassword!"}`, 201, wantBody{}},
		{"email any case", `{"email":"MEMBER@coder.test","password":"SomeSecurePassword!"}`, 201, wantBody{}},
		{"wrong password", `{"email":"member@coder.test","password":"nope"}`, 401, wantBody{message: "Incorrect email or password."}},
		{"unknown email", `{"email":"ghost@coder.test","password":"SomeSecurePassword!"}`, 401, wantBody{message: "Incorrect email or password."}},
		{"missing both", `{}`, 400, wantBody{message: "Validation failed.", validations: []validationError{required("email"), required("password")}}},
		{"missing password", `{"email":"member@coder.test"}`, 400, wantBody{message: "Validation failed.", validations: []validationError{required("password")}}},
		{"malformed email", `{"email":"member","password":"x"}`, 400, wantBody{message: "Validation failed.",
			validations: []validationError{{Field: "email", Detail: `Validation failed for tag "email" with value: "member"`}}}},
		{"not json", `nope`, 400, wantBody{message: "Request body must be valid JSON.", detail: "invalid character 'o' in literal null (expecting 'u')"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			got := do(t, s, request{method: "POST", path: "/api/v2/users/login", body: tc.body})
			if tc.status != http.StatusCreated {
				expectResponse(t, got, tc.status, tc.want)
				return
			}
			if got.status != http.StatusCreated {
				t.Fatalf("status %d body %s", got.status, got.body)
			}
			var login struct {
				SessionToken string `json:"session_token"`
			}
			decodeInto(t, got, &login)
			cookieMatches := false
			for _, c := range (&http.Response{Header: got.header}).Cookies() {
				cookieMatches = cookieMatches || (c.Name == "coder_session_token" && c.Value == login.SessionToken)
			}
			if !cookieMatches {
				t.Error("Set-Cookie coder_session_token does not carry the session token")
			}
			var me struct {
				Username string `json:"username"`
			}
			decodeInto(t, do(t, s, request{path: "/api/v2/users/me", token: login.SessionToken}), &me)
			if me.Username != "member" {
				t.Errorf("session belongs to %q, want member", me.Username)
			}
			stored, _ := s.Token(keyID(login.SessionToken))
			if stored.LoginType != "password" {
				t.Errorf("login_type %q, want password", stored.LoginType)
			}
		})
	}
}

func TestLogoutDeletesTheCallingKey(t *testing.T) {
	s := newTestServer(t, Options{})
	got := do(t, s, request{method: "POST", path: "/api/v2/users/logout", token: s.Member.SessionToken})
	if got.status != http.StatusOK || string(got.body) != `{"message":"Logged out!"}`+"\n" {
		t.Fatalf("logout = %d %q", got.status, got.body)
	}
	expectResponse(t, do(t, s, request{path: "/api/v2/users/me", token: s.Member.SessionToken}), 401, signedOutBody("API key is invalid."))
	if got := do(t, s, request{path: "/api/v2/users/me", token: s.Owner.SessionToken}); got.status != http.StatusOK {
		t.Fatalf("logout of one user affected another: status %d", got.status)
	}
}

func TestUserJSON(t *testing.T) {
	base := []string{"avatar_url", "created_at", "email", "id", "last_seen_at", "login_type", "name",
		"organization_ids", "roles", "status", "theme_preference", "updated_at", "username"}
	newer := append(append([]string{}, base...), "has_ai_seat", "is_service_account")
	sort.Strings(newer)
	tests := []struct {
		name       string
		generation Generation
		asOwner    bool
		wantRoles  string
		wantFields []string
	}{
		{"owner", Current, true, `[{"name":"owner","display_name":"Owner","organization_id":""}]`, newer},
		{"member", Current, false, `[]`, newer},
		{"pre-scopes member", PreScopes, false, `[]`, base},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{Generation: tc.generation})
			user := s.Member
			if tc.asOwner {
				user = s.Owner
			}
			got := do(t, s, request{path: "/api/v2/users/me", token: user.SessionToken})
			if got.status != http.StatusOK {
				t.Fatalf("status %d", got.status)
			}
			expectJSONHeaders(t, got)
			var fields map[string]json.RawMessage
			decodeInto(t, got, &fields)
			if gotFields := fieldNames(fields); !reflect.DeepEqual(gotFields, tc.wantFields) {
				t.Errorf("fields %v, want %v", gotFields, tc.wantFields)
			}
			if string(fields["roles"]) != tc.wantRoles {
				t.Errorf("roles %s, want %s", fields["roles"], tc.wantRoles)
			}
			checks := map[string]string{"id": `"` + user.ID.String() + `"`, "email": `"` + user.Email + `"`,
				"status": `"active"`, "username": `"` + user.Username + `"`}
			for field, want := range checks {
				if string(fields[field]) != want {
					t.Errorf("%s = %s, want %s", field, fields[field], want)
				}
			}
		})
	}
}

func TestPublicEndpoints(t *testing.T) {
	tests := []struct {
		name       string
		generation Generation
		opts       Options
		method     string
		path       string
		status     int
		check      func(t *testing.T, s *Server, body []byte)
	}{
		{name: "buildinfo current", path: "/api/v2/buildinfo", status: 200, check: buildVersionIs("v2.38.0")},
		{name: "buildinfo pre-alias-fix", generation: PreAliasFix, path: "/api/v2/buildinfo", status: 200, check: buildVersionIs("v2.37.2")},
		{name: "buildinfo pre-expire", generation: PreExpire, path: "/api/v2/buildinfo", status: 200, check: buildVersionIs("v2.30.1")},
		{name: "buildinfo pre-scopes", generation: PreScopes, path: "/api/v2/buildinfo", status: 200, check: buildVersionIs("v2.26.0")},
		{name: "buildinfo override", opts: Options{Version: "v2.31.0-devel+abc123"}, path: "/api/v2/buildinfo", status: 200,
			check: buildVersionIs("v2.31.0-devel+abc123")},
		{name: "authmethods", path: "/api/v2/users/authmethods", status: 200, check: exactBody(
			`{"password":{"enabled":true},"github":{"enabled":false,"default_provider_configured":false},"oidc":{"enabled":false,"signInText":"","iconUrl":""}}` + "\n")},
		{name: "first user", path: "/api/v2/users/first", status: 200,
			check: exactBody(`{"message":"The initial user has already been created!"}` + "\n")},
		{name: "scope catalog", path: "/api/v2/auth/scopes", status: 200, check: catalogIs(defaultPublicScopesForTest())},
		{name: "scope catalog override", opts: Options{ScopeCatalog: []string{"workspace:read", "coder:all"}}, path: "/api/v2/auth/scopes",
			status: 200, check: catalogIs([]string{"coder:all", "workspace:read"})},
		{name: "scope catalog absent pre-scopes", generation: PreScopes, path: "/api/v2/auth/scopes", status: 404,
			check: exactBody(`{"message":"Route not found."}` + "\n")},
		{name: "unknown route", path: "/api/v2/nope", status: 404, check: exactBody(`{"message":"Route not found."}` + "\n")},
		{name: "outside api", path: "/", status: 404, check: exactBody(`{"message":"Route not found."}` + "\n")},
		{name: "wrong method", method: "POST", path: "/api/v2/buildinfo", status: 404, check: exactBody(`{"message":"Route not found."}` + "\n")},
		{name: "patch is not a route", method: "PATCH", path: "/api/v2/users/me/keys/tokens/ci", status: 404,
			check: exactBody(`{"message":"Route not found."}` + "\n")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Generation = tc.generation
			s := newTestServer(t, opts)
			got := do(t, s, request{method: tc.method, path: tc.path})
			if got.status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", got.status, tc.status, got.body)
			}
			expectJSONHeaders(t, got)
			tc.check(t, s, got.body)
		})
	}
}

func buildVersionIs(version string) func(*testing.T, *Server, []byte) {
	return func(t *testing.T, s *Server, body []byte) {
		var info map[string]any
		if err := json.Unmarshal(body, &info); err != nil {
			t.Fatalf("decode buildinfo: %v", err)
		}
		if info["version"] != version || info["dashboard_url"] != s.URL {
			t.Errorf("version %v dashboard_url %v, want %s %s", info["version"], info["dashboard_url"], version, s.URL)
		}
		for _, field := range []string{"external_url", "deployment_id", "agent_api_version", "provisioner_api_version",
			"upgrade_message", "telemetry", "workspace_proxy", "webpush_public_key"} {
			if _, ok := info[field]; !ok {
				t.Errorf("buildinfo lacks %s", field)
			}
		}
	}
}

func exactBody(want string) func(*testing.T, *Server, []byte) {
	return func(t *testing.T, _ *Server, body []byte) {
		if string(body) != want {
			t.Errorf("body %q, want %q", body, want)
		}
	}
}

func catalogIs(want []string) func(*testing.T, *Server, []byte) {
	return func(t *testing.T, _ *Server, body []byte) {
		var catalog struct {
			External []string `json:"external"`
		}
		if err := json.Unmarshal(body, &catalog); err != nil {
			t.Fatalf("decode catalog: %v", err)
		}
		if !reflect.DeepEqual(catalog.External, want) {
			t.Errorf("external = %v, want %v", catalog.External, want)
		}
	}
}

// defaultPublicScopesForTest restates scopes.md §2 independently of the embedded file's
// parsing: 2 built-ins, 7 composites and 51 low-level names, sorted, aliases excluded.
func defaultPublicScopesForTest() []string {
	names := strings.Fields(`coder:all coder:application_connect coder:apikeys.manage_self coder:templates.author
		coder:templates.build coder:workspaces.access coder:workspaces.create coder:workspaces.delete coder:workspaces.operate
		api_key:* api_key:create api_key:delete api_key:read api_key:update chat_model_config:read chat_model_config:share
		file:* file:create file:read inbox_notification:read inbox_notification:update
		organization:* organization:delete organization:read organization:update
		organization_skill:* organization_skill:create organization_skill:delete organization_skill:read organization_skill:share organization_skill:update
		template:* template:create template:delete template:read template:update template:use
		user:* user:read user:read_personal user:update_personal
		user_secret:* user_secret:create user_secret:delete user_secret:read user_secret:update
		user_skill:* user_skill:create user_skill:delete user_skill:read user_skill:update
		workspace:* workspace:application_connect workspace:create workspace:delete workspace:read workspace:ssh workspace:start workspace:stop workspace:update`)
	sort.Strings(names)
	return names
}
