package workflow

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/sdk"
)

func TestSuccessorName(t *testing.T) {
	tests := []struct {
		name    string
		attempt int
		want    string
	}{
		{"ci", 0, "ci-r2"},
		{"ci-r2", 0, "ci-r3"},
		{"ci-r9", 0, "ci-r10"},
		{"ci-r1", 0, "ci-r2"},
		{"ci", 1, "ci-r3"},    // ci-r2 was taken
		{"ci-r3", 2, "ci-r6"}, // ci-r4 and ci-r5 were taken
		{"deploy-2026", 0, "deploy-2026-r2"},
		{"ci-r02", 0, "ci-r02-r2"}, // not the counter's form: a name of its own
		{"ci-r", 0, "ci-r-r2"},
		{"-r7", 0, "-r8"},
		{"a-r2-r5", 0, "a-r2-r6"},
		{"weird name/with spaces", 0, "weird name/with spaces-r2"},
	}
	for _, tt := range tests {
		if got := SuccessorName(tt.name, tt.attempt); got != tt.want {
			t.Errorf("SuccessorName(%q, %d) = %q, want %q", tt.name, tt.attempt, got, tt.want)
		}
	}
	// The rule continues across rotations.
	name := "job"
	for range 3 {
		name = SuccessorName(name, 0)
	}
	if name != "job-r4" {
		t.Errorf("three rotations of job: %q, want job-r4", name)
	}
}

func keyClientFor(t *testing.T, srv *coderdtest.Server) func(string) *sdk.Client {
	return func(key string) *sdk.Client {
		u, err := url.Parse(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		return sdk.New(sdk.Config{URL: u, SessionToken: key, Timeout: 5 * time.Second})
	}
}

func oldToken(t *testing.T, srv *coderdtest.Server, name string, scopes, allow []string) sdk.APIKey {
	t.Helper()
	key := srv.MintToken(srv.Owner, name, 24*time.Hour, scopes, allow)
	id, _, _ := strings.Cut(key, "-")
	meta, err := testClient(t, srv).TokenByID(context.Background(), "me", id)
	if err != nil {
		t.Fatal(err)
	}
	return meta
}

func TestMintSuccessor(t *testing.T) {
	const ws = "workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c"
	srv := coderdtest.New(t, coderdtest.Options{})
	old := oldToken(t, srv, "ci", []string{"workspace:read", "user:read"}, []string{ws, "user:*"})
	srv.MintToken(srv.Owner, "ci-r2", time.Hour, nil, nil) // taken: an earlier successor keeps its name
	m := &Minter{Client: testClient(t, srv)}
	plan := Plan{User: "me", Name: SuccessorName(old.TokenName, 0)}
	got, err := m.MintSuccessor(context.Background(), old, plan, SuccessorRequest(old, plan.Name, 2*time.Hour), true, keyClientFor(t, srv))
	if err != nil {
		t.Fatalf("MintSuccessor: %v", err)
	}
	if got.Token.TokenName != "ci-r3" {
		t.Errorf("successor named %q, want ci-r3 (ci-r2 is taken)", got.Token.TokenName)
	}
	stored, _ := srv.Token(got.Token.ID)
	if !slices.Equal(stored.Scopes, old.Scopes) || !slices.Equal(stored.AllowList, wireStrings(old.AllowList)) || stored.LifetimeSeconds != 7200 {
		t.Errorf("successor has scopes %q, allow list %q, lifetime %ds; want %q, %q, 7200s",
			stored.Scopes, stored.AllowList, stored.LifetimeSeconds, old.Scopes, wireStrings(old.AllowList))
	}
	if stateOf(srv, old.ID) != "active" {
		t.Error("MintSuccessor touched the old token")
	}
}

func TestMintSuccessorFailures(t *testing.T) {
	tests := []struct {
		name        string
		generation  coderdtest.Generation
		fault       coderdtest.Fault
		wantRevoked bool
		wantErr     string
	}{
		{name: "create fails", fault: coderdtest.Fault{Route: "POST /api/v2/users/{user}/keys/tokens", Status: 500, Times: 1},
			wantErr: "cannot create the token"},
		{name: "key does not authenticate", fault: coderdtest.Fault{Route: "POST /api/v2/authcheck", Status: 401, Times: 1},
			wantRevoked: true, wantErr: "the successor's key does not work"},
		{name: "read-back fails twice", fault: coderdtest.Fault{Route: "GET /api/v2/users/{user}/keys/{keyid}", Status: 500, Times: 2},
			wantRevoked: true, wantErr: "could not be verified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := coderdtest.New(t, coderdtest.Options{Generation: tt.generation})
			old := oldToken(t, srv, "ci", []string{"user:read"}, nil)
			srv.AddFault(tt.fault)
			m := &Minter{Client: testClient(t, srv)}
			plan := Plan{User: "me", Name: "ci-r2"}
			_, err := m.MintSuccessor(context.Background(), old, plan, SuccessorRequest(old, plan.Name, time.Hour), true, keyClientFor(t, srv))
			var se *SuccessorError
			if !errors.As(err, &se) || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "the old token is unchanged") {
				t.Fatalf("MintSuccessor error = %v, want a SuccessorError containing %q", err, tt.wantErr)
			}
			if (se.Revoked != "") != tt.wantRevoked || se.Stray != "" {
				t.Fatalf("revoked %q, stray %q; want a revoked successor: %v", se.Revoked, se.Stray, tt.wantRevoked)
			}
			if se.Revoked != "" && stateOf(srv, se.Revoked) != "deleted" {
				t.Errorf("the half-made successor is %s, want deleted", stateOf(srv, se.Revoked))
			}
			if stateOf(srv, old.ID) != "active" {
				t.Error("a failed rotation touched the old token")
			}
		})
	}
}

func TestVerifyKeyWithoutAuthCheck(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{WithoutRoutes: []string{"POST /api/v2/authcheck"}})
	key := srv.MintToken(srv.Owner, "scoped", time.Hour, []string{"workspace:read"}, nil)
	id, _, _ := strings.Cut(key, "-")
	if err := VerifyKey(context.Background(), keyClientFor(t, srv)(key), id); err != nil {
		t.Fatalf("a valid key without authcheck: %v", err)
	}
	if err := VerifyKey(context.Background(), keyClientFor(t, srv)(id+"-0123456789012345678901"), id); err == nil {
		t.Fatal("a wrong secret passed verification")
	}
}
