package sdk_test

// Every Client method and error path against the in-memory coderd stand-in, across
// server generations, plus the fault-injection cases (retries, timeouts, no POST retry).

import (
	"context"
	"errors"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/sdk"
)

const createRoute = "POST /api/v2/users/{user}/keys/tokens"

func clientFor(t *testing.T, srv *coderdtest.Server, token string, mutate ...func(*sdk.Config)) *sdk.Client {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sdk.Config{URL: u, SessionToken: token, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond,
		Timeout: 5 * time.Second}
	for _, m := range mutate {
		m(&cfg)
	}
	return sdk.New(cfg)
}

// requestsTo returns the recorded requests that matched route.
func requestsTo(srv *coderdtest.Server, route string) []coderdtest.RecordedRequest {
	var out []coderdtest.RecordedRequest
	for _, r := range srv.Requests() {
		if r.Route == route {
			out = append(out, r)
		}
	}
	return out
}

func TestTokenLifecycleAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	owner := clientFor(t, srv, srv.Owner.SessionToken)
	ctx := context.Background()

	created, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{
		TokenName: "ci <bot>/v2",
		Lifetime:  24 * time.Hour,
		Scopes:    []string{"workspace:read", "template:read"},
		AllowList: []sdk.AllowListTarget{{Type: "template", ID: "*"}},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	id, _, ok := sdk.SplitToken(created.Key)
	if !ok {
		t.Fatalf("minted key of length %d is not well-formed", len(created.Key))
	}
	stored, found := srv.Token(id)
	if !found || stored.Name != "ci <bot>/v2" || stored.LifetimeSeconds != 86400 {
		t.Fatalf("server stored %+v (found %v)", stored, found)
	}

	byName, err := owner.TokenByName(ctx, "me", "ci <bot>/v2")
	if err != nil {
		t.Fatalf("by name: %v", err)
	}
	byID, err := owner.TokenByID(ctx, "me", id)
	if err != nil {
		t.Fatalf("by id: %v", err)
	}
	for _, key := range []sdk.APIKey{byName, byID} {
		if key.ID != id || key.UserID != srv.Owner.ID || key.LifetimeSeconds != 86400 || key.LoginType != "token" ||
			!slices.Equal(key.Scopes, []string{"template:read", "workspace:read"}) && !slices.Equal(key.Scopes, []string{"workspace:read", "template:read"}) ||
			len(key.AllowList) != 1 || key.AllowList[0].String() != "template:*" {
			t.Errorf("read back %+v", key)
		}
		if key.LastUsed.Unix() != 0 {
			t.Errorf("never-used sentinel = %v, want the Unix epoch", key.LastUsed)
		}
	}

	list, err := owner.Tokens(ctx, "me", sdk.TokensFilter{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if i := slices.IndexFunc(list, func(k sdk.APIKeyWithOwner) bool { return k.ID == id }); i < 0 || list[i].Username != "admin" {
		t.Errorf("list %+v lacks the new token with its owner", list)
	}

	if err := owner.ExpireToken(ctx, "me", id); err != nil {
		t.Fatalf("expire: %v", err)
	}
	if err := owner.ExpireToken(ctx, "me", id); err != nil {
		t.Errorf("expiring twice: %v", err)
	}
	if stored, _ := srv.Token(id); stored.ExpiresAt.After(srv.Now()) {
		t.Errorf("expires_at %v is still in the future", stored.ExpiresAt)
	}
	hidden, err := owner.Tokens(ctx, "me", sdk.TokensFilter{})
	if err != nil {
		t.Fatal(err)
	}
	shown, err := owner.Tokens(ctx, "me", sdk.TokensFilter{IncludeExpired: true})
	if err != nil {
		t.Fatal(err)
	}
	has := func(list []sdk.APIKeyWithOwner) bool {
		return slices.ContainsFunc(list, func(k sdk.APIKeyWithOwner) bool { return k.ID == id })
	}
	if has(hidden) || !has(shown) {
		t.Errorf("expired token listed by default: %v, with include_expired: %v", has(hidden), has(shown))
	}

	if err := owner.DeleteToken(ctx, "me", id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := owner.TokenByID(ctx, "me", id); !sdk.IsNotFound(err) {
		t.Errorf("after delete: err = %v, want not found", err)
	}
	if err := owner.DeleteToken(ctx, "me", id); !sdk.IsNotFound(err) {
		t.Errorf("second delete: err = %v, want not found", err)
	}

	for _, r := range srv.Requests() {
		if r.Header.Get(sdk.SessionTokenHeader) != srv.Owner.SessionToken {
			t.Errorf("%s %s: session header missing or wrong", r.Method, r.Path)
		}
		if strings.Contains(r.RawQuery, srv.Owner.SessionToken) || r.Header.Get("Cookie") != "" || r.Header.Get("Authorization") != "" {
			t.Errorf("%s %s: token outside Coder-Session-Token", r.Method, r.Path)
		}
	}
}

func TestInformationalCallsAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	ctx := context.Background()
	owner := clientFor(t, srv, srv.Owner.SessionToken)
	member := clientFor(t, srv, srv.Member.SessionToken)
	anonymous := clientFor(t, srv, "")

	info, err := anonymous.BuildInfo(ctx)
	if err != nil || info.Version != "v2.38.0" {
		t.Errorf("buildinfo = %+v, %v", info, err)
	}
	methods, err := anonymous.AuthMethods(ctx)
	if err != nil || !methods.Password.Enabled {
		t.Errorf("authmethods = %+v, %v", methods, err)
	}
	catalog, err := member.ScopeCatalog(ctx)
	if err != nil || !slices.Contains(catalog.External, "coder:all") || slices.Contains(catalog.External, "all") {
		t.Errorf("scope catalog has %d names, err %v", len(catalog.External), err)
	}

	tests := []struct {
		name      string
		client    *sdk.Client
		user      string
		wantName  string
		wantOwner bool
		wantMax   time.Duration
	}{
		{name: "owner about self", client: owner, user: "me", wantName: "admin", wantOwner: true, wantMax: 168 * time.Hour},
		{name: "member about self", client: member, user: "me", wantName: "member", wantMax: 876600 * time.Hour},
		{name: "owner about member by name", client: owner, user: "member", wantName: "member", wantMax: 876600 * time.Hour},
		{name: "owner about member by UUID", client: owner, user: srv.Member.ID.String(), wantName: "member", wantMax: 876600 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := tt.client.User(ctx, tt.user)
			if err != nil {
				t.Fatal(err)
			}
			if u.Username != tt.wantName || u.IsOwner() != tt.wantOwner || u.Status != "active" {
				t.Errorf("user = %+v", u)
			}
			cfg, err := tt.client.TokenConfig(ctx, tt.user)
			if err != nil || cfg.MaxTokenLifetime != tt.wantMax {
				t.Errorf("tokenconfig = %v, %v; want %v", cfg.MaxTokenLifetime, err, tt.wantMax)
			}
		})
	}
}

func TestLoginAndLogoutAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	ctx := context.Background()
	anonymous := clientFor(t, srv, "")

	_, err := anonymous.Login(ctx, srv.Member.Email, "wrong password")
	if !sdk.IsUnauthorized(err) {
		t.Fatalf("bad password: err = %v, want 401", err)
	}
	if strings.Contains(err.Error(), "wrong password") {
		t.Errorf("error text repeats the password")
	}

	login, err := anonymous.Login(ctx, srv.Member.Email, srv.Member.Password)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	session := clientFor(t, srv, login.SessionToken)
	if u, err := session.User(ctx, "me"); err != nil || u.Username != "member" {
		t.Fatalf("whoami with the new session = %+v, %v", u, err)
	}
	if n := len(requestsTo(srv, "POST /api/v2/users/login")); n != 2 {
		t.Errorf("server saw %d logins, want 2", n)
	}
	if err := session.Logout(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if _, err := session.User(ctx, "me"); !sdk.IsUnauthorized(err) {
		t.Errorf("after logout: err = %v, want 401", err)
	}
}

func TestErrorPathsAgainstCoderd(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	ctx := context.Background()
	owner := clientFor(t, srv, srv.Owner.SessionToken)
	member := clientFor(t, srv, srv.Member.SessionToken)
	if _, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{TokenName: "taken"}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name        string
		call        func() error
		status      int
		predicate   func(error) bool
		wantMessage string
		wantDetail  string
		wantField   string
	}{
		{
			name:   "malformed token",
			call:   func() error { _, err := clientFor(t, srv, "abc-0123456789abcdefghijkl").User(ctx, "me"); return err },
			status: 401, predicate: sdk.IsUnauthorized,
			wantMessage: "You are signed out or your session has expired. Please sign in again to continue.",
			wantDetail:  "Invalid API key format: invalid API key ID length, expected 10 got 3",
		},
		{
			name:   "no token",
			call:   func() error { _, err := clientFor(t, srv, "").Tokens(ctx, "me", sdk.TokensFilter{}); return err },
			status: 401, predicate: sdk.IsUnauthorized,
			wantMessage: "You are signed out or your session has expired. Please sign in again to continue.",
			wantDetail:  `Cookie "coder_session_token" or query parameter must be provided.`,
		},
		{
			name: "duplicate name",
			call: func() error {
				_, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{TokenName: "taken"})
				return err
			},
			status: 409, predicate: sdk.IsConflict,
			wantMessage: `A token with name "taken" already exists.`, wantField: "name",
		},
		{
			name: "lifetime above the owner cap",
			call: func() error {
				_, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{Lifetime: 169 * time.Hour})
				return err
			},
			status: 400, wantMessage: "Failed to validate create API key request.", wantDetail: "lifetime must be less than 168h0m0s",
		},
		{
			name: "unknown scope",
			call: func() error {
				_, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{Scopes: []string{"foo:bar"}})
				return err
			},
			status: 400, wantMessage: "Failed to create API key.", wantDetail: `invalid or unsupported API key scope: "foo:bar"`,
		},
		{
			name:   "unknown token name",
			call:   func() error { _, err := owner.TokenByName(ctx, "me", "nope"); return err },
			status: 404, predicate: sdk.IsNotFound,
			wantMessage: "Resource not found or you do not have access to this resource",
		},
		{
			name:   "member reading another user",
			call:   func() error { _, err := member.User(ctx, "admin"); return err },
			status: 404, predicate: sdk.IsNotFound,
			wantMessage: "Resource not found or you do not have access to this resource",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var apiErr *sdk.Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *sdk.Error", err)
			}
			if apiErr.StatusCode != tt.status || apiErr.Message != tt.wantMessage || apiErr.Detail != tt.wantDetail {
				t.Errorf("got %d %q / %q\nwant %d %q / %q", apiErr.StatusCode, apiErr.Message, apiErr.Detail,
					tt.status, tt.wantMessage, tt.wantDetail)
			}
			if tt.predicate != nil && !tt.predicate(err) {
				t.Errorf("predicate false for %v", err)
			}
			if tt.wantField != "" && (len(apiErr.Validations) != 1 || apiErr.Validations[0].Field != tt.wantField) {
				t.Errorf("validations = %+v, want field %q", apiErr.Validations, tt.wantField)
			}
			if (apiErr.Helper != "") != (tt.status == 401) {
				t.Errorf("Helper = %q", apiErr.Helper)
			}
			for _, secret := range []string{srv.Owner.SessionToken, srv.Member.SessionToken} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error text contains a session token")
				}
			}
		})
	}
}

func TestOlderGenerationsAgainstCoderd(t *testing.T) {
	ctx := context.Background()
	t.Run("pre-scopes leaves Scopes and AllowList nil", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{Generation: coderdtest.PreScopes})
		owner := clientFor(t, srv, srv.Owner.SessionToken)
		if _, err := owner.CreateToken(ctx, "me", sdk.CreateTokenRequest{TokenName: "legacy",
			Scopes: []string{"workspace:read"}, AllowList: []sdk.AllowListTarget{{Type: "workspace", ID: "*"}}}); err != nil {
			t.Fatal(err)
		}
		key, err := owner.TokenByName(ctx, "me", "legacy")
		if err != nil {
			t.Fatal(err)
		}
		if key.Scopes != nil || key.AllowList != nil {
			t.Errorf("Scopes = %#v, AllowList = %#v; want both nil so callers see the restriction was ignored", key.Scopes, key.AllowList)
		}
		if !key.LastUsed.IsZero() || key.Scope != "all" {
			t.Errorf("last_used = %v, scope = %q; want the zero-time sentinel and legacy scope all", key.LastUsed, key.Scope)
		}
		if _, err := owner.ScopeCatalog(ctx); !sdk.IsNotFound(err) {
			t.Errorf("scope catalog: err = %v, want 404", err)
		}
		var apiErr *sdk.Error
		if _, err := owner.User(ctx, "nobody"); !errors.As(err, &apiErr) || apiErr.StatusCode != 400 {
			t.Errorf("unknown user: err = %v, want 400 on old servers", err)
		}
	})
	t.Run("pre-expire has no expire route", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{Generation: coderdtest.PreExpire})
		owner := clientFor(t, srv, srv.Owner.SessionToken)
		id, _, _ := sdk.SplitToken(srv.MintToken(srv.Owner, "old", 0, nil, nil))
		err := owner.ExpireToken(ctx, "me", id)
		var apiErr *sdk.Error
		if !sdk.IsNotFound(err) || !errors.As(err, &apiErr) || apiErr.Message != "Route not found." {
			t.Fatalf("err = %v, want 404 Route not found.", err)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("a 404 was retried: %d requests", n)
		}
	})
	t.Run("member without tokens lists an empty non-nil slice", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{})
		list, err := clientFor(t, srv, srv.Member.SessionToken).Tokens(ctx, "me", sdk.TokensFilter{})
		if err != nil || list == nil || len(list) != 0 {
			t.Errorf("Tokens = %#v, %v", list, err)
		}
	})
}

func TestCreateIsSentOnceWhateverGoesWrong(t *testing.T) {
	tests := []struct {
		name  string
		fault coderdtest.Fault
		check func(t *testing.T, err error)
	}{
		{name: "502 JSON", fault: coderdtest.Fault{Route: createRoute, Status: 502, Times: 1},
			check: func(t *testing.T, err error) { assertStatus(t, err, 502) }},
		{name: "502 proxy page", fault: coderdtest.Fault{Route: createRoute, HTML: true, Times: 1},
			check: func(t *testing.T, err error) { assertStatus(t, err, 502) }},
		{name: "503 with Retry-After", fault: coderdtest.Fault{Route: createRoute, Status: 503, RetryAfter: "1", Times: 1},
			check: func(t *testing.T, err error) { assertStatus(t, err, 503) }},
		{name: "429", fault: coderdtest.Fault{Route: createRoute, Status: 429, Times: 1},
			check: func(t *testing.T, err error) {
				if !sdk.IsRateLimited(err) {
					t.Errorf("err = %v, want rate limited", err)
				}
			}},
		{name: "dropped connection", fault: coderdtest.Fault{Route: createRoute, Drop: true, Times: 1},
			check: func(t *testing.T, err error) { assertTransport(t, err) }},
		{name: "truncated answer after minting", fault: coderdtest.Fault{Route: createRoute, Truncate: true, Times: 1},
			check: func(t *testing.T, err error) {
				assertTransport(t, err)
				if !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("err = %v, want io.ErrUnexpectedEOF", err)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := coderdtest.New(t, coderdtest.Options{})
			srv.AddFault(tt.fault)
			_, err := clientFor(t, srv, srv.Owner.SessionToken).CreateToken(context.Background(), "me", sdk.CreateTokenRequest{TokenName: "once"})
			tt.check(t, err)
			if n := len(requestsTo(srv, createRoute)); n != 1 {
				t.Errorf("server saw %d POSTs, want exactly 1", n)
			}
		})
	}
}

func assertStatus(t *testing.T, err error, status int) {
	t.Helper()
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != status {
		t.Errorf("err = %v, want *sdk.Error %d", err, status)
	}
}

func assertTransport(t *testing.T, err error) {
	t.Helper()
	var transportErr *sdk.TransportError
	if !errors.As(err, &transportErr) {
		t.Errorf("err = %v, want *sdk.TransportError", err)
	}
}

func TestIdempotentCallsRecoverFromFaults(t *testing.T) {
	ctx := context.Background()
	faults := map[string]coderdtest.Fault{
		"503":          {Status: 503, Times: 2},
		"502 page":     {HTML: true, Times: 2},
		"504":          {Status: 504, Times: 2},
		"429":          {Status: 429, RetryAfter: "0", Times: 2},
		"dropped":      {Drop: true, Times: 2},
		"truncated":    {Truncate: true, Times: 2},
		"slow but ok":  {Delay: 10 * time.Millisecond, Times: 2},
		"only one 503": {Status: 503, Times: 1},
	}
	calls := []struct {
		route string
		call  func(c *sdk.Client, id string) error
		// noBody marks 204 answers: half of an empty body is the whole answer, so a
		// Truncate fault cannot break them and no retry is expected.
		noBody bool
	}{
		{"GET /api/v2/users/{user}/keys/tokens", func(c *sdk.Client, _ string) error {
			_, err := c.Tokens(ctx, "me", sdk.TokensFilter{})
			return err
		}, false},
		{"GET /api/v2/users/{user}/keys/tokens/{keyname}", func(c *sdk.Client, _ string) error {
			_, err := c.TokenByName(ctx, "me", "seeded")
			return err
		}, false},
		{"GET /api/v2/users/{user}", func(c *sdk.Client, _ string) error { _, err := c.User(ctx, "me"); return err }, false},
		{"PUT /api/v2/users/{user}/keys/{keyid}/expire", func(c *sdk.Client, id string) error { return c.ExpireToken(ctx, "me", id) }, true},
		{"DELETE /api/v2/users/{user}/keys/{keyid}", func(c *sdk.Client, id string) error { return c.DeleteToken(ctx, "me", id) }, true},
	}
	for _, cl := range calls {
		for faultName, fault := range faults {
			t.Run(cl.route+"/"+faultName, func(t *testing.T) {
				srv := coderdtest.New(t, coderdtest.Options{})
				id, _, _ := sdk.SplitToken(srv.MintToken(srv.Owner, "seeded", 0, nil, nil))
				fault.Route = cl.route
				srv.AddFault(fault)
				if err := cl.call(clientFor(t, srv, srv.Owner.SessionToken), id); err != nil {
					t.Fatalf("call failed: %v", err)
				}
				want := fault.Times + 1
				if fault.Delay > 0 || (fault.Truncate && cl.noBody) {
					want = 1
				}
				if got := len(requestsTo(srv, cl.route)); got != want {
					t.Errorf("server saw %d requests, want %d", got, want)
				}
			})
		}
	}
}

func TestRetryAfterFromCoderdIsHonoured(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	srv.AddFault(coderdtest.Fault{Route: "GET /api/v2/buildinfo", Status: 429, RetryAfter: "2", Times: 1})
	const waitMax = 30 * time.Millisecond
	c := clientFor(t, srv, "", func(cfg *sdk.Config) { cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, waitMax })
	start := time.Now()
	if _, err := c.BuildInfo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < waitMax || elapsed > time.Second {
		t.Errorf("took %v, want the Retry-After capped at %v", elapsed, waitMax)
	}
}

func TestRetriesGiveUp(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	srv.AddFault(coderdtest.Fault{Route: "GET /api/v2/users/{user}/keys/tokens", Status: 429})
	_, err := clientFor(t, srv, srv.Owner.SessionToken, func(cfg *sdk.Config) { cfg.MaxRetries = 2 }).
		Tokens(context.Background(), "me", sdk.TokensFilter{})
	if !sdk.IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	if n := len(requestsTo(srv, "GET /api/v2/users/{user}/keys/tokens")); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}
}

func TestTimeoutAndCancellationAgainstCoderd(t *testing.T) {
	t.Run("per-request timeout", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{})
		srv.AddFault(coderdtest.Fault{Route: "GET /api/v2/users/{user}", Delay: 5 * time.Second})
		c := clientFor(t, srv, srv.Owner.SessionToken, func(cfg *sdk.Config) { cfg.Timeout = 25 * time.Millisecond })
		start := time.Now()
		_, err := c.User(context.Background(), "me")
		if !sdk.IsTimeout(err) {
			t.Fatalf("err = %v, want a timeout", err)
		}
		if elapsed := time.Since(start); elapsed > 2*time.Second {
			t.Errorf("timeout took %v", elapsed)
		}
	})
	t.Run("context cancellation", func(t *testing.T) {
		srv := coderdtest.New(t, coderdtest.Options{})
		srv.AddFault(coderdtest.Fault{Route: "GET /api/v2/users/{user}/keys/tokens/tokenconfig", Delay: 5 * time.Second})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(20*time.Millisecond, cancel)
		_, err := clientFor(t, srv, srv.Owner.SessionToken).TokenConfig(ctx, "me")
		if !errors.Is(err, context.Canceled) || sdk.IsTimeout(err) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestStatusPredicatesAgainstCoderd(t *testing.T) {
	tests := []struct {
		status    int
		predicate func(error) bool
	}{
		{401, sdk.IsUnauthorized}, {403, sdk.IsForbidden}, {404, sdk.IsNotFound}, {409, sdk.IsConflict}, {429, sdk.IsRateLimited},
	}
	for _, tt := range tests {
		srv := coderdtest.New(t, coderdtest.Options{})
		srv.AddFault(coderdtest.Fault{Route: createRoute, Status: tt.status})
		_, err := clientFor(t, srv, srv.Owner.SessionToken).CreateToken(context.Background(), "me", sdk.CreateTokenRequest{})
		if !tt.predicate(err) {
			t.Errorf("%d: predicate false for %v", tt.status, err)
		}
	}
}
