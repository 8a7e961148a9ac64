package workflow

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/sdk"
)

const expireRoute = "PUT /api/v2/users/{user}/keys/{keyid}/expire"

func testClient(t *testing.T, srv *coderdtest.Server) *sdk.Client {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return sdk.New(sdk.Config{URL: u, SessionToken: srv.Owner.SessionToken, Timeout: 5 * time.Second,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
}

func stateOf(srv *coderdtest.Server, id string) string {
	tok, ok := srv.Token(id)
	switch {
	case !ok:
		return "deleted"
	case !tok.ExpiresAt.After(srv.Now()):
		return "expired"
	}
	return "active"
}

func TestRevoke(t *testing.T) {
	tests := []struct {
		name       string
		generation coderdtest.Generation
		how        RevokeHow
		fault      *coderdtest.Fault
		want       Revoked
		wantState  string
		wantErr    string
	}{
		{name: "expire", how: ExpireOrDelete, want: Revoked{}, wantState: "expired"},
		{name: "delete", how: Delete, want: Revoked{Deleted: true}, wantState: "deleted"},
		{name: "old server: expire falls back to delete", generation: coderdtest.PreExpire, how: ExpireOrDelete,
			want: Revoked{Deleted: true, NoExpire: true}, wantState: "deleted"},
		{name: "old server: expire only refuses", generation: coderdtest.PreExpire, how: ExpireOnly,
			wantState: "active", wantErr: "the server has no expire endpoint"},
		{name: "expire fails", how: ExpireOrDelete, fault: &coderdtest.Fault{Route: expireRoute, Status: 500},
			wantState: "active", wantErr: "could not be expired"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := coderdtest.New(t, coderdtest.Options{Generation: tt.generation})
			key := srv.MintToken(srv.Owner, "victim", time.Hour, nil, nil)
			id, _, _ := strings.Cut(key, "-")
			if tt.fault != nil {
				srv.AddFault(*tt.fault)
			}
			got, err := RevokeToken(context.Background(), testClient(t, srv), "me", id, tt.how)
			if tt.wantErr != "" {
				var re *RevokeError
				if !errors.As(err, &re) || re.ID != id || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("RevokeToken error = %v, want a RevokeError for %s containing %q", err, id, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			if tt.wantErr == "" {
				tt.want.ID = id
				if got != tt.want {
					t.Fatalf("Revoke = %+v, want %+v", got, tt.want)
				}
			}
			if s := stateOf(srv, id); s != tt.wantState {
				t.Fatalf("token is %s after Revoke, want %s", s, tt.wantState)
			}
		})
	}
}

func TestRevokeAfterCancel(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{})
	key := srv.MintToken(srv.Owner, "interrupted", time.Hour, nil, nil)
	id, _, _ := strings.Cut(key, "-")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C arrived while the command ran
	if _, err := RevokeToken(ctx, testClient(t, srv), "me", id, ExpireOrDelete); err != nil {
		t.Fatalf("Revoke after cancel: %v", err)
	}
	if s := stateOf(srv, id); s != "expired" {
		t.Fatalf("token is %s, want expired", s)
	}
}

func TestCanExpire(t *testing.T) {
	for _, tt := range []struct {
		generation coderdtest.Generation
		want       bool
	}{{coderdtest.Current, true}, {coderdtest.PreExpire, false}, {coderdtest.PreScopes, false}} {
		t.Run(string(tt.generation), func(t *testing.T) {
			srv := coderdtest.New(t, coderdtest.Options{Generation: tt.generation})
			key := srv.MintToken(srv.Owner, "bystander", time.Hour, nil, nil)
			id, _, _ := strings.Cut(key, "-")
			got, err := CanExpire(context.Background(), testClient(t, srv), "me")
			if err != nil || got != tt.want {
				t.Fatalf("CanExpire = %v, %v; want %v", got, err, tt.want)
			}
			if s := stateOf(srv, id); s != "active" {
				t.Fatalf("the probe left a real token %s", s)
			}
		})
	}
	srv := coderdtest.New(t, coderdtest.Options{})
	srv.AddFault(coderdtest.Fault{Route: expireRoute, Status: 500})
	if _, err := CanExpire(context.Background(), testClient(t, srv), "me"); err == nil {
		t.Fatal("CanExpire on a failing server: no error")
	}
}
