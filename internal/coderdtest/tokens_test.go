package coderdtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	wsA = "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"
	wsB = "9e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"
)

func allowListJSON(entries ...string) string {
	data, _ := json.Marshal(entries)
	return string(data)
}

func TestCreateTokenRejections(t *testing.T) {
	manyEntries := make([]string, 129)
	for i := range manyEntries {
		manyEntries[i] = "workspace:" + wsA
	}
	createFailed := func(detail string) wantBody { return wantBody{message: "Failed to create API key.", detail: detail} }
	invalidJSON := func(detail string) wantBody {
		return wantBody{message: "Request body must be valid JSON.", detail: detail}
	}
	lifetimeInvalid := func(detail string) wantBody {
		return wantBody{message: "Failed to validate create API key request.", detail: detail}
	}
	tests := []struct {
		name       string
		generation Generation
		opts       Options
		asMember   bool
		user       string
		body       string
		status     int
		want       wantBody
	}{
		{name: "lifetime as string", body: `{"lifetime":"24h"}`, status: 400,
			want: invalidJSON("json: cannot unmarshal string into Go struct field CreateTokenRequest.lifetime of type time.Duration")},
		{name: "not json", body: `{`, status: 400, want: invalidJSON("unexpected EOF")},
		{name: "empty body", body: ``, status: 400, want: invalidJSON("EOF")},
		{name: "allow entry without colon", body: `{"allow_list":["workspace"]}`, status: 400,
			want: invalidJSON(`invalid allow_list entry "workspace": want <type>:<id>`)},
		{name: "allow entry trimmed before checks", body: `{"allow_list":["  :x "]}`, status: 400,
			want: invalidJSON(`invalid allow_list entry ":x": want <type>:<id>`)},
		{name: "allow entry unknown type", body: `{"allow_list":["Workspace:*"]}`, status: 400,
			want: invalidJSON(`unknown resource type "Workspace"`)},
		{name: "allow entry bad uuid", body: `{"allow_list":["workspace:not-a-uuid"]}`, status: 400,
			want: invalidJSON(`invalid workspace ID (must be UUID): "not-a-uuid"`)},
		{name: "allow entry as object without id", body: `{"allow_list":[{"type":"workspace"}]}`, status: 400,
			want: invalidJSON("allow_list entry must include both type and id")},
		{name: "allow entry as object with a bad id", body: `{"allow_list":[{"type":"workspace","id":"dev"}]}`, status: 400,
			want: invalidJSON(`invalid workspace ID (must be UUID): "dev"`)},
		{name: "allow entry neither string nor object", body: `{"allow_list":[7]}`, status: 400,
			want: invalidJSON("invalid allow_list entry: expected object with type/id or string")},
		{name: "system user", user: "prebuilds", body: `{}`, status: 403,
			want: wantBody{message: "Forbidden.", detail: "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."}},
		{name: "system user hidden from members", asMember: true, user: "prebuilds", body: `{}`, status: 404, want: notFoundBody},
		{name: "member for owner", asMember: true, user: "admin", body: `{}`, status: 404, want: notFoundBody},
		{name: "unknown scope", body: `{"scopes":["foo:bar"]}`, status: 400,
			want: createFailed(`invalid or unsupported API key scope: "foo:bar"`)},
		{name: "internal scope", body: `{"scopes":["workspace:read","debug_info:read"]}`, status: 400,
			want: createFailed(`invalid or unsupported API key scope: "debug_info:read"`)},
		{name: "scope wildcard", body: `{"scopes":["*:*"]}`, status: 400,
			want: createFailed(`invalid or unsupported API key scope: "*:*"`)},
		{name: "legacy scope is case-sensitive", body: `{"scope":"Workspace:Read"}`, status: 400,
			want: createFailed(`invalid or unsupported API key scope: "Workspace:Read"`)},
		{name: "scope outside overridden catalog", opts: Options{ScopeCatalog: []string{"workspace:read"}}, body: `{"scopes":["template:read"]}`,
			status: 400, want: createFailed(`invalid or unsupported API key scope: "template:read"`)},
		{name: "bad scope checked before allow list", body: `{"scopes":["nope"],"allow_list":` + allowListJSON(manyEntries...) + `}`, status: 400,
			want: createFailed(`invalid or unsupported API key scope: "nope"`)},
		{name: "alias in scopes before fix", generation: PreAliasFix, body: `{"scopes":["workspace:read","all"]}`, status: 500,
			want: createFailed(`generate API key: invalid API key scope: "all"`)},
		{name: "alias in scopes on pre-expire", generation: PreExpire, body: `{"scopes":["application_connect"]}`, status: 500,
			want: createFailed(`generate API key: invalid API key scope: "application_connect"`)},
		{name: "alias 500 comes after lifetime check", generation: PreAliasFix, body: `{"scopes":["all"],"lifetime":-1}`, status: 400,
			want: lifetimeInvalid("lifetime must be positive number greater than 0")},
		{name: "allow list over cap", body: `{"allow_list":` + allowListJSON(manyEntries...) + `}`, status: 400,
			want: createFailed("allow_list has 129 entries; max allowed is 128")},
		{name: "negative lifetime", body: `{"lifetime":-1}`, status: 400,
			want: lifetimeInvalid("lifetime must be positive number greater than 0")},
		{name: "owner over admin max", body: fmt.Sprintf(`{"lifetime":%d}`, 168*time.Hour+1), status: 400,
			want: lifetimeInvalid("lifetime must be less than 168h0m0s")},
		{name: "member over member max", asMember: true, body: fmt.Sprintf(`{"lifetime":%d}`, 876600*time.Hour+1), status: 400,
			want: lifetimeInvalid("lifetime must be less than 876600h0m0s")},
		{name: "owner for member uses member max", user: "member", body: fmt.Sprintf(`{"lifetime":%d}`, 876600*time.Hour+1), status: 400,
			want: lifetimeInvalid("lifetime must be less than 876600h0m0s")},
		{name: "configured admin max", opts: Options{OwnerMaxLifetime: 90 * time.Minute}, body: fmt.Sprintf(`{"lifetime":%d}`, 2*time.Hour), status: 400,
			want: lifetimeInvalid("lifetime must be less than 1h30m0s")},
		{name: "pre-scopes legacy scope outside the old enum", generation: PreScopes, body: `{"scope":"coder:all"}`, status: 500,
			want: createFailed(`generate API key: invalid API key scope: "coder:all"`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Generation = tc.generation
			s := newTestServer(t, opts)
			token, user := s.Owner.SessionToken, tc.user
			if tc.asMember {
				token = s.Member.SessionToken
			}
			if user == "" {
				user = "me"
			}
			got := do(t, s, request{method: http.MethodPost, path: "/api/v2/users/" + user + "/keys/tokens", token: token, body: tc.body})
			expectResponse(t, got, tc.status, tc.want)
			if listed := listTokens(t, s, s.Owner.SessionToken, "include_all=true&include_expired=true"); len(listed) != 0 {
				t.Errorf("a rejected create stored %d tokens", len(listed))
			}
		})
	}
}

func TestCreateTokenDuplicateNameConflicts(t *testing.T) {
	s := newTestServer(t, Options{})
	createToken(t, s, s.Member.SessionToken, "me", `{"token_name":"ci"}`)
	got := do(t, s, request{method: http.MethodPost, path: "/api/v2/users/me/keys/tokens", token: s.Member.SessionToken, body: `{"token_name":"ci"}`})
	expectResponse(t, got, http.StatusConflict, wantBody{
		message:     `A token with name "ci" already exists.`,
		validations: []validationError{{Field: "name", Detail: "This value is already in use and should be unique."}},
	})
	// Names are unique per user only.
	createToken(t, s, s.Owner.SessionToken, "me", `{"token_name":"ci"}`)

	// Deleting frees the name; expiring keeps it taken, as the unique index does.
	key := createToken(t, s, s.Member.SessionToken, "me", `{"token_name":"gone"}`)
	if got := do(t, s, request{method: http.MethodDelete, path: "/api/v2/users/me/keys/" + keyID(key), token: s.Member.SessionToken}); got.status != http.StatusNoContent {
		t.Fatalf("delete: status %d", got.status)
	}
	createToken(t, s, s.Member.SessionToken, "me", `{"token_name":"gone"}`)
	got = do(t, s, request{method: http.MethodPost, path: "/api/v2/users/me/keys/tokens", token: s.Member.SessionToken, body: `{"token_name":"gone"}`})
	if got.status != http.StatusConflict {
		t.Fatalf("re-creating a live name: status %d, want 409", got.status)
	}
}

// TestSeedTokens: benchmark seeding mints distinct, listable tokens.
func TestSeedTokens(t *testing.T) {
	s := newTestServer(t, Options{})
	s.SeedTokens(s.Owner, 2000)
	views := listTokens(t, s, s.Owner.SessionToken, "")
	seen := map[string]bool{}
	for _, v := range views {
		seen[v.TokenName] = true
	}
	if len(views) != 2000 || len(seen) != 2000 {
		t.Errorf("listed %d tokens with %d distinct names, want 2000 of each", len(views), len(seen))
	}
}

// tokenView is the APIKey JSON as a client decodes it.
type tokenView struct {
	ID              string   `json:"id"`
	UserID          string   `json:"user_id"`
	LastUsed        string   `json:"last_used"`
	ExpiresAt       string   `json:"expires_at"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	LoginType       string   `json:"login_type"`
	Scope           string   `json:"scope"`
	Scopes          []string `json:"scopes"`
	TokenName       string   `json:"token_name"`
	LifetimeSeconds int64    `json:"lifetime_seconds"`
	AllowList       []string `json:"allow_list"`
	Username        string   `json:"username"`
}

func getTokenByID(t *testing.T, s *Server, token, id string) (tokenView, map[string]json.RawMessage) {
	t.Helper()
	got := do(t, s, request{path: "/api/v2/users/me/keys/" + id, token: token})
	if got.status != http.StatusOK {
		t.Fatalf("get key by id: status %d body %s", got.status, got.body)
	}
	expectJSONHeaders(t, got)
	var view tokenView
	var fields map[string]json.RawMessage
	decodeInto(t, got, &view)
	decodeInto(t, got, &fields)
	return view, fields
}

func fieldNames(fields map[string]json.RawMessage) []string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

var (
	currentKeyFields = []string{"allow_list", "created_at", "expires_at", "id", "last_used", "lifetime_seconds",
		"login_type", "scope", "scopes", "token_name", "updated_at", "user_id"}
	legacyKeyFields = []string{"created_at", "expires_at", "id", "last_used", "lifetime_seconds",
		"login_type", "scope", "token_name", "updated_at", "user_id"}
)

func TestCreateTokenStoresWhatTheServerWould(t *testing.T) {
	created := "2026-03-01T10:00:00.123456Z"
	tests := []struct {
		name          string
		generation    Generation
		opts          Options
		user          string
		body          string
		wantScope     string
		wantScopes    []string
		wantAllow     []string
		wantLifetime  int64
		wantExpiresAt string
	}{
		{name: "defaults", body: `{}`, wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "unknown fields ignored", body: `{"bogus":1,"token_name":"x"}`, wantScope: "all", wantScopes: []string{"coder:all"},
			wantAllow: []string{"*:*"}, wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "aliases canonicalised and deduped", body: `{"scopes":["workspace:read","all","coder:all","workspace:read"]}`,
			wantScope: "all", wantScopes: []string{"workspace:read", "coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "legacy scope alias", body: `{"scope":"application_connect"}`, wantScope: "application_connect",
			wantScopes: []string{"coder:application_connect"}, wantAllow: []string{"*:*"}, wantLifetime: 604800,
			wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "scopes override scope", body: `{"scope":"all","scopes":["template:read","coder:workspaces.access"]}`, wantScope: "",
			wantScopes: []string{"template:read", "coder:workspaces.access"}, wantAllow: []string{"*:*"}, wantLifetime: 604800,
			wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "application_connect wins the legacy field", body: `{"scopes":["coder:all","coder:application_connect"]}`,
			wantScope: "application_connect", wantScopes: []string{"coder:all", "coder:application_connect"},
			wantAllow: []string{"*:*"}, wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "pre-alias-fix keeps duplicates", generation: PreAliasFix, body: `{"scopes":["workspace:read","workspace:read"]}`,
			wantScope: "", wantScopes: []string{"workspace:read", "workspace:read"}, wantAllow: []string{"*:*"},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "allow list normalised",
			body:      `{"allow_list":["workspace:` + wsB + `","template:*"," template:` + wsA + `","workspace:` + wsA + `","workspace:` + wsB + `"]}`,
			wantScope: "all", wantScopes: []string{"coder:all"},
			wantAllow:    []string{"template:*", "workspace:" + wsA, "workspace:" + wsB},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "allow list entries as objects and strings",
			body:      `{"allow_list":[{"type":"workspace","id":"` + wsA + `"},"template:*",{"type":" user ","id":"*"}]}`,
			wantScope: "all", wantScopes: []string{"coder:all"},
			wantAllow:    []string{"template:*", "user:*", "workspace:" + wsA},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "allow list collapses to *:*", body: `{"allow_list":["workspace:` + wsA + `","*:*","template:*"]}`,
			wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "allow list ids verbatim and any-type ids",
			body:      `{"allow_list":["workspace:` + strings.ToUpper(wsA) + `","*:` + wsB + `"]}`,
			wantScope: "all", wantScopes: []string{"coder:all"},
			wantAllow:    []string{"*:" + wsB, "workspace:" + strings.ToUpper(wsA)},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "lifetime equal to admin max", body: fmt.Sprintf(`{"lifetime":%d}`, 168*time.Hour),
			wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "owner mints for member with member cap", user: "member", body: fmt.Sprintf(`{"lifetime":%d}`, 200*time.Hour),
			wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 720000, wantExpiresAt: "2026-03-09T18:00:00.123456Z"},
		{name: "default lifetime not validated", opts: Options{DefaultLifetime: 200 * time.Hour}, body: `{"lifetime":0}`,
			wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 720000, wantExpiresAt: "2026-03-09T18:00:00.123456Z"},
		{name: "lifetime is nanoseconds", body: `{"lifetime":86400}`,
			wantScope: "all", wantScopes: []string{"coder:all"}, wantAllow: []string{"*:*"},
			wantLifetime: 0, wantExpiresAt: "2026-03-01T10:00:00.123542Z"},
		{name: "pre-scopes ignores scopes and allow list", generation: PreScopes,
			body:      `{"scope":"application_connect","scopes":["workspace:read"],"allow_list":["bogus"]}`,
			wantScope: "application_connect", wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
		{name: "pre-scopes defaults to all", generation: PreScopes, body: `{}`,
			wantScope: "all", wantLifetime: 604800, wantExpiresAt: "2026-03-08T10:00:00.123456Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Generation = tc.generation
			s := newTestServer(t, opts)
			user, wantUserID := "me", s.Owner.ID.String()
			if tc.user == "member" {
				user, wantUserID = "member", s.Member.ID.String()
			}
			key := createToken(t, s, s.Owner.SessionToken, user, tc.body)
			view, fields := getTokenByID(t, s, s.Owner.SessionToken, keyID(key))

			wantFields := currentKeyFields
			if tc.generation == PreScopes {
				wantFields = legacyKeyFields
			}
			if got := fieldNames(fields); !reflect.DeepEqual(got, wantFields) {
				t.Errorf("APIKey fields = %v, want %v", got, wantFields)
			}
			wantLastUsed := "1970-01-01T00:00:00Z"
			if tc.generation == PreScopes {
				wantLastUsed = "0001-01-01T00:00:00Z"
			}
			checks := []struct{ field, got, want string }{
				{"id", view.ID, keyID(key)},
				{"user_id", view.UserID, wantUserID},
				{"login_type", view.LoginType, "token"},
				{"scope", view.Scope, tc.wantScope},
				{"last_used", view.LastUsed, wantLastUsed},
				{"created_at", view.CreatedAt, created},
				{"updated_at", view.UpdatedAt, created},
				{"expires_at", view.ExpiresAt, tc.wantExpiresAt},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
			if !reflect.DeepEqual(view.Scopes, tc.wantScopes) {
				t.Errorf("scopes = %q, want %q", view.Scopes, tc.wantScopes)
			}
			if !reflect.DeepEqual(view.AllowList, tc.wantAllow) {
				t.Errorf("allow_list = %q, want %q", view.AllowList, tc.wantAllow)
			}
			if view.LifetimeSeconds != tc.wantLifetime {
				t.Errorf("lifetime_seconds = %d, want %d", view.LifetimeSeconds, tc.wantLifetime)
			}
		})
	}
}

func TestCreateTokenWithoutNameGetsDockerStyleName(t *testing.T) {
	s := newTestServer(t, Options{})
	key := createToken(t, s, s.Member.SessionToken, "me", `{"token_name":""}`)
	view, _ := getTokenByID(t, s, s.Member.SessionToken, keyID(key))
	if !regexp.MustCompile(`^[a-z]+_[a-z]+[0-9]$`).MatchString(view.TokenName) {
		t.Fatalf("generated name %q is not adjective_surname<digit>", view.TokenName)
	}
}

func TestAllowListAtCapWithDuplicatesIsAccepted(t *testing.T) {
	s := newTestServer(t, Options{})
	entries := make([]string, 128)
	for i := range entries {
		entries[i] = "workspace:" + wsA
	}
	key := createToken(t, s, s.Owner.SessionToken, "me", `{"allow_list":`+allowListJSON(entries...)+`}`)
	stored, _ := s.Token(keyID(key))
	if !reflect.DeepEqual(stored.AllowList, []string{"workspace:" + wsA}) {
		t.Fatalf("allow list = %q, want the single deduplicated entry", stored.AllowList)
	}
}

func TestResponsesAreHTMLEscaped(t *testing.T) {
	s := newTestServer(t, Options{})
	createToken(t, s, s.Owner.SessionToken, "me", `{"token_name":"<b>&co"}`)
	got := do(t, s, request{path: "/api/v2/users/me/keys/tokens/" + url.PathEscape("<b>&co"), token: s.Owner.SessionToken})
	if !strings.Contains(string(got.body), `"token_name":"\u003cb\u003e\u0026co"`) {
		t.Fatalf("token_name not HTML-escaped in %s", got.body)
	}
}

func listTokens(t *testing.T, s *Server, token, query string) []tokenView {
	t.Helper()
	got := do(t, s, request{path: "/api/v2/users/me/keys/tokens?" + query, token: token})
	if got.status != http.StatusOK {
		t.Fatalf("list tokens: status %d body %s", got.status, got.body)
	}
	var views []tokenView
	decodeInto(t, got, &views)
	return views
}

func names(views []tokenView) []string {
	out := []string{}
	for _, v := range views {
		out = append(out, v.Username+"/"+v.TokenName)
	}
	sort.Strings(out)
	return out
}

func TestListTokensEmptyIsNull(t *testing.T) {
	s := newTestServer(t, Options{})
	got := do(t, s, request{path: "/api/v2/users/me/keys/tokens", token: s.Owner.SessionToken})
	if got.status != http.StatusOK || string(got.body) != "null\n" {
		t.Fatalf("empty list = %d %q, want 200 \"null\\n\"", got.status, got.body)
	}
	expectJSONHeaders(t, got)
}

func TestListTokensFilters(t *testing.T) {
	tests := []struct {
		name       string
		generation Generation
		asMember   bool
		user       string
		query      string
		want       []string
	}{
		{name: "own tokens only, not sessions", query: "", want: []string{"admin/owner-live"}},
		{name: "owner include_all", query: "include_all=true", want: []string{"admin/owner-live", "member/member-live"}},
		{name: "include_all accepts 1", query: "include_all=1", want: []string{"admin/owner-live", "member/member-live"}},
		{name: "include_all accepts T", query: "include_all=T", want: []string{"admin/owner-live", "member/member-live"}},
		{name: "include_all yes is false", query: "include_all=yes", want: []string{"admin/owner-live"}},
		{name: "member include_all sees own only", asMember: true, query: "include_all=true", want: []string{"member/member-live"}},
		{name: "owner lists member", user: "member", want: []string{"member/member-live"}},
		{name: "include_expired", query: "include_all=true&include_expired=true",
			want: []string{"admin/owner-expired", "admin/owner-live", "member/member-expired", "member/member-live"}},
		{name: "include_expired on is false", query: "include_expired=on", want: []string{"admin/owner-live"}},
		{name: "pre-alias-fix hides expired", generation: PreAliasFix, query: "", want: []string{"admin/owner-live"}},
		{name: "pre-expire always shows expired", generation: PreExpire, query: "include_expired=false",
			want: []string{"admin/owner-expired", "admin/owner-live"}},
		{name: "pre-scopes always shows expired", generation: PreScopes, asMember: true, query: "",
			want: []string{"member/member-expired", "member/member-live"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{Generation: tc.generation})
			s.MintToken(s.Owner, "owner-expired", time.Hour, nil, nil)
			s.MintToken(s.Member, "member-expired", time.Hour, nil, nil)
			s.Advance(2 * time.Hour)
			s.MintToken(s.Owner, "owner-live", 0, nil, nil)
			s.MintToken(s.Member, "member-live", 0, nil, nil)
			token, user := s.Owner.SessionToken, "me"
			if tc.asMember {
				token = s.Member.SessionToken
			}
			if tc.user != "" {
				user = tc.user
			}
			got := do(t, s, request{path: "/api/v2/users/" + user + "/keys/tokens?" + tc.query, token: token})
			if got.status != http.StatusOK {
				t.Fatalf("status %d body %s", got.status, got.body)
			}
			var views []tokenView
			decodeInto(t, got, &views)
			if gotNames := names(views); !reflect.DeepEqual(gotNames, tc.want) {
				t.Fatalf("listed %v, want %v", gotNames, tc.want)
			}
			var elements []map[string]json.RawMessage
			decodeInto(t, got, &elements)
			wantFields := append([]string{}, currentKeyFields...)
			if tc.generation == PreScopes {
				wantFields = append([]string{}, legacyKeyFields...)
			}
			wantFields = append(wantFields, "username")
			sort.Strings(wantFields)
			if gotFields := fieldNames(elements[0]); !reflect.DeepEqual(gotFields, wantFields) {
				t.Errorf("list element fields = %v, want %v", gotFields, wantFields)
			}
		})
	}
}

func TestTokenByNameAndConfig(t *testing.T) {
	s := newTestServer(t, Options{})
	s.MintToken(s.Member, "deploy bot/ci", 0, []string{"workspace:read"}, nil)
	tests := []struct {
		name     string
		token    string
		path     string
		status   int
		wantBody string // exact body when non-empty
	}{
		{"escaped name", s.Member.SessionToken, "/api/v2/users/me/keys/tokens/" + url.PathEscape("deploy bot/ci"), 200, ""},
		{"missing name", s.Member.SessionToken, "/api/v2/users/me/keys/tokens/nope", 404, ""},
		{"other user's name", s.Owner.SessionToken, "/api/v2/users/me/keys/tokens/" + url.PathEscape("deploy bot/ci"), 404, ""},
		{"owner via member path", s.Owner.SessionToken, "/api/v2/users/member/keys/tokens/" + url.PathEscape("deploy bot/ci"), 200, ""},
		{"owner config", s.Owner.SessionToken, "/api/v2/users/me/keys/tokens/tokenconfig", 200, `{"max_token_lifetime":604800000000000}` + "\n"},
		{"member config", s.Member.SessionToken, "/api/v2/users/me/keys/tokens/tokenconfig", 200, `{"max_token_lifetime":3155760000000000000}` + "\n"},
		{"config of target user", s.Owner.SessionToken, "/api/v2/users/member/keys/tokens/tokenconfig", 200, `{"max_token_lifetime":3155760000000000000}` + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := do(t, s, request{path: tc.path, token: tc.token})
			if tc.status == http.StatusNotFound {
				expectResponse(t, got, http.StatusNotFound, notFoundBody)
				return
			}
			if got.status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", got.status, tc.status, got.body)
			}
			expectJSONHeaders(t, got)
			if tc.wantBody != "" {
				if string(got.body) != tc.wantBody {
					t.Fatalf("body %q, want %q", got.body, tc.wantBody)
				}
				return
			}
			var fields map[string]json.RawMessage
			decodeInto(t, got, &fields)
			if gotFields := fieldNames(fields); !reflect.DeepEqual(gotFields, currentKeyFields) {
				t.Errorf("by-name fields = %v, want APIKey without username", gotFields)
			}
		})
	}
}

func TestKeyByIDDeleteAndExpire(t *testing.T) {
	type setup struct {
		s                   *Server
		ownerKey, memberKey string
	}
	tests := []struct {
		name     string
		method   string
		asMember bool
		user     string
		key      func(st setup) string
		status   int
	}{
		{name: "owner reads member key", method: "GET", key: func(st setup) string { return st.memberKey }, status: 200},
		{name: "member reads own key", method: "GET", asMember: true, key: func(st setup) string { return st.memberKey }, status: 200},
		{name: "member reads own session key", method: "GET", asMember: true, key: func(st setup) string { return keyID(st.s.Member.SessionToken) }, status: 200},
		{name: "member reads owner key", method: "GET", asMember: true, key: func(st setup) string { return st.ownerKey }, status: 404},
		{name: "{user} ignored for ownership", method: "GET", user: "member", key: func(st setup) string { return st.ownerKey }, status: 200},
		{name: "unknown id", method: "GET", key: func(setup) string { return "ZZZZZZZZZZ" }, status: 404},
		{name: "owner deletes member key", method: "DELETE", key: func(st setup) string { return st.memberKey }, status: 204},
		{name: "member deletes own key", method: "DELETE", asMember: true, key: func(st setup) string { return st.memberKey }, status: 204},
		{name: "member deletes owner key", method: "DELETE", asMember: true, key: func(st setup) string { return st.ownerKey }, status: 404},
		{name: "delete unknown", method: "DELETE", key: func(setup) string { return "ZZZZZZZZZZ" }, status: 404},
		{name: "owner expires member key", method: "PUT", key: func(st setup) string { return st.memberKey }, status: 204},
		{name: "member expires own key", method: "PUT", asMember: true, key: func(st setup) string { return st.memberKey }, status: 204},
		{name: "member expires owner key", method: "PUT", asMember: true, key: func(st setup) string { return st.ownerKey }, status: 404},
		{name: "expire unknown", method: "PUT", key: func(setup) string { return "ZZZZZZZZZZ" }, status: 404},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, Options{})
			st := setup{s: s,
				ownerKey:  keyID(s.MintToken(s.Owner, "o", 0, nil, nil)),
				memberKey: keyID(s.MintToken(s.Member, "m", 0, nil, nil)),
			}
			token, user := s.Owner.SessionToken, "me"
			if tc.asMember {
				token = s.Member.SessionToken
			}
			if tc.user != "" {
				user = tc.user
			}
			id := tc.key(st)
			before, existed := s.Token(id)
			path := "/api/v2/users/" + user + "/keys/" + id
			if tc.method == "PUT" {
				path += "/expire"
			}
			got := do(t, s, request{method: tc.method, path: path, token: token})
			if tc.status == http.StatusNotFound {
				expectResponse(t, got, http.StatusNotFound, notFoundBody)
				if after, ok := s.Token(id); ok != existed || !reflect.DeepEqual(after, before) {
					t.Error("a 404 changed the stored key")
				}
				return
			}
			if got.status != tc.status {
				t.Fatalf("status %d, want %d (body %s)", got.status, tc.status, got.body)
			}
			if got.header.Get("X-Coder-Build-Version") == "" {
				t.Error("X-Coder-Build-Version header missing")
			}
			after, stillThere := s.Token(id)
			switch tc.method {
			case "GET":
				var view tokenView
				decodeInto(t, got, &view)
				if view.ID != id {
					t.Errorf("returned key %q, want %q", view.ID, id)
				}
			case "DELETE":
				if len(got.body) != 0 || stillThere {
					t.Errorf("delete: body %q, still stored %v; want empty body and gone", got.body, stillThere)
				}
			case "PUT":
				if len(got.body) != 0 || !after.ExpiresAt.Equal(testNow.Truncate(time.Microsecond)) {
					t.Errorf("expire: body %q, expires_at %v; want empty body and now", got.body, after.ExpiresAt)
				}
			}
		})
	}
}

func TestDeletedAndExpiredKeysStopWorking(t *testing.T) {
	s := newTestServer(t, Options{})
	deleted := s.MintToken(s.Member, "deleted", 0, nil, nil)
	expired := s.MintToken(s.Member, "expired", 0, nil, nil)
	for _, step := range []struct {
		method, path string
		status       int
	}{
		{"DELETE", "/api/v2/users/me/keys/" + keyID(deleted), 204},
		{"PUT", "/api/v2/users/me/keys/" + keyID(expired) + "/expire", 204},
	} {
		if got := do(t, s, request{method: step.method, path: step.path, token: s.Member.SessionToken}); got.status != step.status {
			t.Fatalf("%s %s: status %d", step.method, step.path, got.status)
		}
	}
	expectResponse(t, do(t, s, request{path: "/api/v2/users/me", token: deleted}), 401, signedOutBody("API key is invalid."))
	expectResponse(t, do(t, s, request{path: "/api/v2/users/me", token: expired}), 401,
		signedOutBody(`API key expired at "2026-03-01 10:00:00.123456 +0000 UTC".`))

	// The expired record is kept: readable by ID, and expiring again leaves it unchanged.
	s.Advance(time.Hour)
	if got := do(t, s, request{method: "PUT", path: "/api/v2/users/me/keys/" + keyID(expired) + "/expire", token: s.Member.SessionToken}); got.status != 204 {
		t.Fatalf("second expire: status %d", got.status)
	}
	view, _ := getTokenByID(t, s, s.Member.SessionToken, keyID(expired))
	if view.ExpiresAt != "2026-03-01T10:00:00.123456Z" {
		t.Fatalf("second expire moved expires_at to %s", view.ExpiresAt)
	}
	if got := do(t, s, request{method: "DELETE", path: "/api/v2/users/me/keys/" + keyID(expired), token: s.Member.SessionToken}); got.status != 204 {
		t.Fatalf("deleting an expired key: status %d", got.status)
	}
}

func TestExpireRouteAbsentOnOlderGenerations(t *testing.T) {
	for _, gen := range []Generation{PreExpire, PreScopes} {
		t.Run(string(gen), func(t *testing.T) {
			s := newTestServer(t, Options{Generation: gen})
			id := keyID(s.MintToken(s.Owner, "x", 0, nil, nil))
			got := do(t, s, request{method: "PUT", path: "/api/v2/users/me/keys/" + id + "/expire", token: s.Owner.SessionToken})
			expectResponse(t, got, http.StatusNotFound, wantBody{message: "Route not found."})
		})
	}
}

func TestSessionStyleKey(t *testing.T) {
	s := newTestServer(t, Options{})
	got := do(t, s, request{method: "POST", path: "/api/v2/users/me/keys", token: s.Member.SessionToken})
	if got.status != http.StatusCreated {
		t.Fatalf("status %d body %s", got.status, got.body)
	}
	var created struct {
		Key string `json:"key"`
	}
	decodeInto(t, got, &created)
	stored, ok := s.Token(keyID(created.Key))
	if !ok || stored.LoginType != "password" || stored.LifetimeSeconds != 604800 {
		t.Fatalf("stored %+v, want a password-type key with the default lifetime", stored)
	}
	if listed := listTokens(t, s, s.Member.SessionToken, ""); len(listed) != 0 {
		t.Fatalf("session-style key listed among tokens: %d entries", len(listed))
	}
	expectResponse(t, do(t, s, request{method: "POST", path: "/api/v2/users/prebuilds/keys", token: s.Owner.SessionToken}), 403,
		wantBody{message: "Forbidden.", detail: "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."})
}

func TestConcurrentCreatesAreSafe(t *testing.T) {
	s := newTestServer(t, Options{})
	const workers = 20
	var wg sync.WaitGroup
	keys := make([]string, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i] = createToken(t, s, s.Member.SessionToken, "me", fmt.Sprintf(`{"token_name":"t%d"}`, i))
		}()
	}
	wg.Wait()
	if listed := listTokens(t, s, s.Member.SessionToken, ""); len(listed) != workers {
		t.Fatalf("listed %d tokens, want %d", len(listed), workers)
	}
}

func TestUnnamedTokensNeverCollide(t *testing.T) {
	s := newTestServer(t, Options{})
	seen := map[string]bool{}
	for i := 0; i < 300; i++ {
		view, _ := getTokenByID(t, s, s.Member.SessionToken, keyID(createToken(t, s, s.Member.SessionToken, "me", `{}`)))
		stored, _ := s.Token(keyID(s.MintToken(s.Member, "", 0, nil, nil)))
		for _, name := range []string{view.TokenName, stored.Name} {
			if seen[name] {
				t.Fatalf("generated name %q twice for one user", name)
			}
			seen[name] = true
		}
	}
}

func TestMintTokenRejectsTakenName(t *testing.T) {
	s := newTestServer(t, Options{})
	s.MintToken(s.Member, "ci", 0, nil, nil)
	defer func() {
		if recover() == nil {
			t.Fatal("minting a second token named ci did not panic")
		}
	}()
	s.MintToken(s.Member, "ci", 0, nil, nil)
}
