package sdk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"
)

// fixture reads a literal wire example from testdata/sdk.
func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := readFixture(name)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

func readFixture(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join("..", "testdata", "sdk", name))
}

// assertJSONEqual compares two JSON documents by meaning (key order and whitespace ignored).
func assertJSONEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v\n%s", err, want)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", got, want)
	}
}

// decodeFixture decodes a fixture into T and returns it with its re-encoding.
func decodeFixture[T any](t *testing.T, name string) (T, []byte) {
	t.Helper()
	var v T
	if err := json.Unmarshal(fixture(t, name), &v); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode %s: %v", name, err)
	}
	return v, out
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestAPIKeyFixtures(t *testing.T) {
	owner := uuid.MustParse("a169451c-8525-4352-b8ca-070dd449a1a5")
	tests := []struct {
		name string
		file string
		want APIKey
		// reencoded is what encoding the decoded value must give; "" means the fixture itself.
		reencoded string
	}{
		{
			name: "newest server",
			file: "apikey_current.json",
			want: APIKey{
				ID: "WuoWs4ZsMX", UserID: owner,
				LastUsed:  time.Unix(0, 0).UTC(),
				ExpiresAt: mustTime(t, "2026-03-01T10:00:00.123456Z"),
				CreatedAt: mustTime(t, "2026-02-22T10:00:00.123456Z"),
				UpdatedAt: mustTime(t, "2026-02-22T10:00:00.123456Z"),
				LoginType: "token", Scope: "all", Scopes: []string{"coder:all"}, TokenName: "ci",
				LifetimeSeconds: 604800,
				AllowList:       []AllowListTarget{{Type: "*", ID: "*"}},
			},
		},
		{
			name: "pre-scopes server omits scopes and allow_list",
			file: "apikey_prescopes.json",
			want: APIKey{
				ID: "Ab3dE5gH7j", UserID: owner,
				ExpiresAt: mustTime(t, "2025-06-08T09:30:00.5Z"),
				CreatedAt: mustTime(t, "2025-06-01T09:30:00.5Z"),
				UpdatedAt: mustTime(t, "2025-06-01T09:30:00.5Z"),
				LoginType: "token", Scope: "all", TokenName: "legacy", LifetimeSeconds: 604800,
			},
			reencoded: `{"id":"Ab3dE5gH7j","user_id":"a169451c-8525-4352-b8ca-070dd449a1a5",
				"last_used":"0001-01-01T00:00:00Z","expires_at":"2025-06-08T09:30:00.5Z",
				"created_at":"2025-06-01T09:30:00.5Z","updated_at":"2025-06-01T09:30:00.5Z",
				"login_type":"token","scope":"all","scopes":null,"token_name":"legacy",
				"lifetime_seconds":604800,"allow_list":null}`,
		},
		{
			name: "allow_list objects as in the generated docs",
			file: "apikey_object_allowlist.json",
			want: APIKey{
				ID: "WuoWs4ZsMX", UserID: owner,
				LastUsed:  time.Unix(0, 0).UTC(),
				ExpiresAt: mustTime(t, "2026-03-01T10:00:00.123456Z"),
				CreatedAt: mustTime(t, "2026-02-22T10:00:00.123456Z"),
				UpdatedAt: mustTime(t, "2026-02-22T10:00:00.123456Z"),
				LoginType: "token", Scopes: []string{"workspace:read", "template:read"},
				TokenName: "docs-shape", LifetimeSeconds: 604800,
				AllowList: []AllowListTarget{
					{Type: "workspace", ID: "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"},
					{Type: "template", ID: "*"},
				},
			},
			reencoded: `{"id":"WuoWs4ZsMX","user_id":"a169451c-8525-4352-b8ca-070dd449a1a5",
				"last_used":"1970-01-01T00:00:00Z","expires_at":"2026-03-01T10:00:00.123456Z",
				"created_at":"2026-02-22T10:00:00.123456Z","updated_at":"2026-02-22T10:00:00.123456Z",
				"login_type":"token","scope":"","scopes":["workspace:read","template:read"],"token_name":"docs-shape",
				"lifetime_seconds":604800,
				"allow_list":["workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c","template:*"]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, out := decodeFixture[APIKey](t, tt.file)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("decoded\n got: %+v\nwant: %+v", got, tt.want)
			}
			want := fixture(t, tt.file)
			if tt.reencoded != "" {
				want = []byte(tt.reencoded)
			}
			assertJSONEqual(t, out, want)
		})
	}
}

func TestAPIKeyNeverUsedSentinels(t *testing.T) {
	tests := []struct {
		file     string
		wantZero bool
		wantUnix bool
	}{
		{file: "apikey_current.json", wantUnix: true},
		{file: "apikey_prescopes.json", wantZero: true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			key, _ := decodeFixture[APIKey](t, tt.file)
			if key.LastUsed.IsZero() != tt.wantZero {
				t.Errorf("LastUsed.IsZero() = %v, want %v", key.LastUsed.IsZero(), tt.wantZero)
			}
			if (key.LastUsed.Unix() == 0) != tt.wantUnix {
				t.Errorf("LastUsed.Unix() = %d, want epoch %v", key.LastUsed.Unix(), tt.wantUnix)
			}
		})
	}
}

func TestAPIKeyScopesPresence(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantScopesNil bool
		wantAllowNil  bool
	}{
		{name: "omitted", body: `{"id":"x"}`, wantScopesNil: true, wantAllowNil: true},
		{name: "null", body: `{"scopes":null,"allow_list":null}`, wantScopesNil: true, wantAllowNil: true},
		{name: "empty arrays", body: `{"scopes":[],"allow_list":[]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var key APIKey
			if err := json.Unmarshal([]byte(tt.body), &key); err != nil {
				t.Fatal(err)
			}
			if (key.Scopes == nil) != tt.wantScopesNil {
				t.Errorf("Scopes == nil is %v, want %v", key.Scopes == nil, tt.wantScopesNil)
			}
			if (key.AllowList == nil) != tt.wantAllowNil {
				t.Errorf("AllowList == nil is %v, want %v", key.AllowList == nil, tt.wantAllowNil)
			}
		})
	}
}

func TestAPIKeyWithOwnerListFixture(t *testing.T) {
	list, out := decodeFixture[[]APIKeyWithOwner](t, "tokens_list.json")
	assertJSONEqual(t, out, fixture(t, "tokens_list.json"))
	if len(list) != 2 {
		t.Fatalf("got %d tokens, want 2", len(list))
	}
	tests := []struct {
		got, want any
	}{
		{list[0].Username, "admin"},
		{list[0].TokenName, "ci"},
		{list[1].Username, ""},
		{list[1].TokenName, "read only <bot>"}, // server HTML-escapes <, > on the wire
		{list[1].LifetimeSeconds, int64(7776000)},
		{list[1].Scope, ""},
		{list[1].AllowList[1], AllowListTarget{Type: "workspace", ID: "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"}},
		{list[1].LastUsed, mustTime(t, "2026-02-23T08:15:00Z")},
	}
	for i, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("field %d: got %v, want %v", i, tt.got, tt.want)
		}
	}
}

func TestCreateTokenRequestWire(t *testing.T) {
	tests := []struct {
		name string
		req  CreateTokenRequest
		// exact is compared byte for byte; the fixture semantically.
		exact   string
		fixture string
	}{
		{
			name:  "zero value always sends lifetime and token_name",
			req:   CreateTokenRequest{},
			exact: `{"lifetime":0,"token_name":""}`,
		},
		{
			name: "full request from the contract",
			req: CreateTokenRequest{
				TokenName: "ci",
				Lifetime:  168 * time.Hour,
				Scopes:    []string{"workspace:read", "template:read"},
				AllowList: []AllowListTarget{
					{Type: "workspace", ID: "8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"},
					{Type: "template", ID: "*"},
				},
			},
			fixture: "create_request_full.json",
		},
		{
			name:  "legacy scope and a 90 day lifetime in nanoseconds",
			req:   CreateTokenRequest{Scope: "all", Lifetime: 90 * 24 * time.Hour, TokenName: "a b/c"},
			exact: `{"lifetime":7776000000000000,"scope":"all","token_name":"a b/c"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.Marshal(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if tt.exact != "" && string(got) != tt.exact {
				t.Errorf("encoded\n got: %s\nwant: %s", got, tt.exact)
			}
			if tt.fixture != "" {
				assertJSONEqual(t, got, fixture(t, tt.fixture))
				var back CreateTokenRequest
				if err := json.Unmarshal(fixture(t, tt.fixture), &back); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(back, tt.req) {
					t.Errorf("decoded fixture\n got: %+v\nwant: %+v", back, tt.req)
				}
			}
		})
	}
}

func TestCreateTokenRequestMinimalFixtureDecodesToZero(t *testing.T) {
	req, _ := decodeFixture[CreateTokenRequest](t, "create_request_minimal.json")
	if !reflect.DeepEqual(req, CreateTokenRequest{}) {
		t.Errorf("got %+v, want the zero request", req)
	}
}

func TestTokenConfigUnits(t *testing.T) {
	tests := []struct {
		file string
		want time.Duration
	}{
		{file: "tokenconfig_owner.json", want: 168 * time.Hour},
		{file: "tokenconfig_member.json", want: 876600 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			cfg, out := decodeFixture[TokenConfig](t, tt.file)
			if cfg.MaxTokenLifetime != tt.want {
				t.Errorf("MaxTokenLifetime = %v, want %v", cfg.MaxTokenLifetime, tt.want)
			}
			assertJSONEqual(t, out, fixture(t, tt.file))
		})
	}
}

func TestScopeCatalogShapes(t *testing.T) {
	want := []string{"api_key:*", "api_key:create", "coder:all", "coder:application_connect",
		"coder:apikeys.manage_self", "template:read", "workspace:read", "workspace:stop"}
	for _, file := range []string{"scopes_object.json", "scopes_array.json"} {
		t.Run(file, func(t *testing.T) {
			cat, out := decodeFixture[ScopeCatalog](t, file)
			if !reflect.DeepEqual(cat.External, want) {
				t.Errorf("External = %v, want %v", cat.External, want)
			}
			// Whatever the server sent, we re-encode the shape current servers use.
			assertJSONEqual(t, out, fixture(t, "scopes_object.json"))
		})
	}
}

func TestAllowListTargetJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    AllowListTarget
		wantErr string
	}{
		{in: `"*:*"`, want: AllowListTarget{Type: "*", ID: "*"}},
		{in: `"workspace:*"`, want: AllowListTarget{Type: "workspace", ID: "*"}},
		{in: `" template:abc:def "`, want: AllowListTarget{Type: "template", ID: "abc:def"}},
		{in: `{"type":"workspace","id":"x"}`, want: AllowListTarget{Type: "workspace", ID: "x"}},
		{in: `{"id":"x","type":"workspace","display_name":"dev"}`, want: AllowListTarget{Type: "workspace", ID: "x"}},
		{in: `"workspace"`, wantErr: `invalid allow_list entry "workspace": want <type>:<id>`},
		{in: `":x"`, wantErr: `invalid allow_list entry ":x": want <type>:<id>`},
		{in: `"x:"`, wantErr: `invalid allow_list entry "x:": want <type>:<id>`},
		{in: `{"type":"workspace"}`, wantErr: `invalid allow_list entry {"type":"workspace"}: want type and id`},
		{in: `42`, wantErr: `invalid allow_list entry 42: want a "<type>:<id>" string`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got AllowListTarget
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if wantOut, _ := json.Marshal(tt.want.String()); string(out) != string(wantOut) {
				t.Errorf("encoded %s, want %s", out, wantOut)
			}
		})
	}
}

func TestSplitToken(t *testing.T) {
	tests := []struct {
		key        string
		wantID     string
		wantSecret string
		wantOK     bool
	}{
		{key: "WuoWs4ZsMX-0123456789abcdefABCDEF", wantID: "WuoWs4ZsMX", wantSecret: "0123456789abcdefABCDEF", wantOK: true},
		{key: "WuoWs4ZsMX", wantID: "WuoWs4ZsMX"},
		{key: "short-0123456789abcdefABCDEF", wantID: "short", wantSecret: "0123456789abcdefABCDEF"},
		{key: "WuoWs4ZsMX-tooshort", wantID: "WuoWs4ZsMX", wantSecret: "tooshort"},
		{key: "WuoWs4ZsMX-0123456789-abcdefABCDE", wantID: "WuoWs4ZsMX", wantSecret: "0123456789-abcdefABCDE"},
		{key: ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			id, secret, ok := SplitToken(tt.key)
			if id != tt.wantID || ok != tt.wantOK || secret != tt.wantSecret {
				// The inputs are fixed test strings, not real secrets.
				t.Errorf("SplitToken = %q, %q, %v; want %q, %q, %v", id, secret, ok, tt.wantID, tt.wantSecret, tt.wantOK)
			}
		})
	}
}

func TestUserFixtures(t *testing.T) {
	tests := []struct {
		file        string
		wantOwner   bool
		wantName    string
		wantOrgs    int
		wantAISeat  bool
		wantCreated time.Time
		reencoded   bool // fixture already carries every field, so re-encoding reproduces it
	}{
		{file: "user_owner.json", wantOwner: true, wantName: "admin", wantOrgs: 1, wantAISeat: true,
			wantCreated: mustTime(t, "2026-01-05T12:00:00.000001Z"), reencoded: true},
		{file: "user_member_old.json", wantName: "member", wantOrgs: 1,
			wantCreated: mustTime(t, "2025-01-05T12:00:00Z")},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			u, out := decodeFixture[User](t, tt.file)
			if u.IsOwner() != tt.wantOwner {
				t.Errorf("IsOwner() = %v, want %v", u.IsOwner(), tt.wantOwner)
			}
			if u.Username != tt.wantName || len(u.OrganizationIDs) != tt.wantOrgs || u.HasAISeat != tt.wantAISeat ||
				!u.CreatedAt.Equal(tt.wantCreated) {
				t.Errorf("decoded %+v", u)
			}
			if tt.reencoded {
				assertJSONEqual(t, out, fixture(t, tt.file))
			}
		})
	}
}

func TestSmallResponseFixtures(t *testing.T) {
	t.Run("buildinfo", func(t *testing.T) {
		bi, out := decodeFixture[BuildInfo](t, "buildinfo.json")
		assertJSONEqual(t, out, fixture(t, "buildinfo.json"))
		if bi.Version != "v2.38.0" || !bi.Telemetry || !bi.OAuth2Provider || bi.AgentAPIVersion != "2.6" {
			t.Errorf("decoded %+v", bi)
		}
	})
	t.Run("authmethods", func(t *testing.T) {
		am, out := decodeFixture[AuthMethods](t, "authmethods.json")
		assertJSONEqual(t, out, fixture(t, "authmethods.json"))
		if !am.Password.Enabled || am.Github.Enabled || am.OIDC.SignInText != "Sign in with Okta" || am.OIDC.IconURL != "/icon/okta.svg" {
			t.Errorf("decoded %+v", am)
		}
	})
	t.Run("create response", func(t *testing.T) {
		resp, out := decodeFixture[GenerateAPIKeyResponse](t, "create_response.json")
		assertJSONEqual(t, out, fixture(t, "create_response.json"))
		if _, _, ok := SplitToken(resp.Key); !ok {
			t.Errorf("key of length %d is not a well-formed token", len(resp.Key))
		}
	})
	t.Run("login", func(t *testing.T) {
		req, out := decodeFixture[loginWithPasswordRequest](t, "login_request.json")
		assertJSONEqual(t, out, fixture(t, "login_request.json"))
		if req.Email != "admin@coder.test" {
			t.Errorf("email = %q", req.Email)
		}
		resp, out := decodeFixture[LoginWithPasswordResponse](t, "login_response.json")
		assertJSONEqual(t, out, fixture(t, "login_response.json"))
		if _, _, ok := SplitToken(resp.SessionToken); !ok {
			t.Errorf("session token of length %d is not well-formed", len(resp.SessionToken))
		}
	})
}

func TestErrorBodyFixtures(t *testing.T) {
	tests := []struct {
		file            string
		wantMessage     string
		wantDetail      string
		wantValidations []ValidationError
	}{
		{file: "error_validation.json", wantMessage: "Failed to create API key.",
			wantDetail:      `invalid or unsupported API key scope: "foo:bar"`,
			wantValidations: []ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}}},
		{file: "error_conflict.json", wantMessage: `A token with name "ci" already exists.`,
			wantValidations: []ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}}},
		{file: "error_not_found.json", wantMessage: "Resource not found or you do not have access to this resource"},
		{file: "error_forbidden.json", wantMessage: "Forbidden.",
			wantDetail: "You don't have permission to view this content. If you believe this is a mistake, please contact your administrator or try signing in with different credentials."},
		{file: "error_unauthorized.json", wantMessage: "You are signed out or your session has expired. Please sign in again to continue.",
			wantDetail: "API key secret is invalid."},
		{file: "error_rate_limited.json", wantMessage: "You've been rate limited for sending more than 512 requests in 1m0s."},
		{file: "error_lifetime.json", wantMessage: "Failed to validate create API key request.",
			wantDetail: "lifetime must be less than 168h0m0s"},
		{file: "error_bad_json.json", wantMessage: "Request body must be valid JSON.",
			wantDetail: "json: cannot unmarshal string into Go struct field CreateTokenRequest.lifetime of type time.Duration"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			resp, out := decodeFixture[Response](t, tt.file)
			assertJSONEqual(t, out, fixture(t, tt.file))
			if resp.Message != tt.wantMessage || resp.Detail != tt.wantDetail || !reflect.DeepEqual(resp.Validations, tt.wantValidations) {
				t.Errorf("decoded %+v", resp)
			}
		})
	}
}

// TestUnquoteJSONStringMatchesEncodingJSON: the shortcut for plain entries
// decodes every string as encoding/json does.
func TestUnquoteJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, raw := range []string{
		`"workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"`, `"*:*"`, `""`,
		`"workspace:\u002a"`, `"a\"b"`, `"a\\b"`, `"tab\there"`, `"caf\u00e9"`, "\"café\"",
		"\"\xff\"", `"\ud800"`, `"<&>"`,
	} {
		want := ""
		wantErr := json.Unmarshal([]byte(raw), &want)
		got, err := unquoteJSONString([]byte(raw))
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("%s: got %q, %v; encoding/json %q, %v", raw, got, err, want, wantErr)
		}
	}
}
