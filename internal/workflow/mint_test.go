package workflow

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

func newMinter(t *testing.T, srv *coderdtest.Server) *Minter {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Minter{Client: sdk.New(sdk.Config{URL: u, SessionToken: srv.Owner.SessionToken, MaxRetries: -1})}
}

func mustPlan(t *testing.T, scopeNames, allow []string) Plan {
	t.Helper()
	parsed, err := scopes.ParseScopes(scopes.Snapshot(), scopeNames)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := scopes.ParseAllowList(scopes.Snapshot(), allow)
	if err != nil {
		t.Fatal(err)
	}
	return Plan{Name: "wf", Scopes: parsed, Allow: entries}
}

func TestMintDeliversWhatWasApplied(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	m := newMinter(t, srv)
	plan := mustPlan(t, []string{"workspace:read"}, []string{"workspace:*"})
	res, err := mint(t, m, plan)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	id, _, ok := sdk.SplitToken(res.Key)
	if !ok || res.Token.ID != id || len(res.Warnings) != 0 {
		t.Fatalf("result = token %q, warnings %q; want the read-back metadata of the key and no warnings", res.Token.ID, res.Warnings)
	}
	stored, _ := srv.Token(id)
	if strings.Join(stored.Scopes, ",") != "workspace:read" || strings.Join(stored.AllowList, ",") != "workspace:*" {
		t.Errorf("stored scopes %q allow list %q", stored.Scopes, stored.AllowList)
	}
}

func TestMintRevokesWhatAnOldServerWidened(t *testing.T) {
	for _, gen := range []coderdtest.Generation{coderdtest.PreScopes} { // the generation that ignores scopes
		t.Run(string(gen), func(t *testing.T) {
			srv := coderdtest.New(t, coderdtest.Options{Generation: gen})
			m := newMinter(t, srv)
			plan := mustPlan(t, []string{"workspace:read"}, nil)
			res, err := mint(t, m, plan)
			var revoked *RevokedError
			if !errors.As(err, &revoked) {
				t.Fatalf("Mint = %v, %v; want a *RevokedError", res, err)
			}
			if res.Key != "" {
				t.Fatal("the key of a revoked token was returned")
			}
			// A pre-expire server cannot expire a token, so it must be gone.
			if _, ok := srv.Token(revoked.ID); ok {
				t.Fatalf("token %s still exists after revoking", revoked.ID)
			}
			if !strings.Contains(err.Error(), "v2.26.0") || !strings.Contains(err.Error(), "asked for workspace:read, got coder:all") {
				t.Errorf("error %q does not name the server version and what was widened", err)
			}
		})
	}
}

func TestMintReportsAFailedPost(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	m := newMinter(t, srv)
	plan := mustPlan(t, nil, nil)
	plan.Name = "dup"
	if _, err := mint(t, m, plan); err != nil {
		t.Fatal(err)
	}
	_, err := mint(t, m, plan)
	var post *PostError
	if !errors.As(err, &post) || !sdk.IsConflict(err) {
		t.Fatalf("second Mint = %v; want a *PostError wrapping the 409", err)
	}
}

// mint prepares and mints plan, as create does.
func mint(t *testing.T, m *Minter, plan Plan) (Result, error) {
	t.Helper()
	p, err := m.Prepare(context.Background(), plan)
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return m.Mint(context.Background(), p)
}
