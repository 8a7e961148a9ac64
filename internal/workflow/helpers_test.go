package workflow

import (
	"net/url"
	"testing"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

func clientFor(t testing.TB, srv *coderdtest.Server, token string) *sdk.Client {
	t.Helper()
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return sdk.New(sdk.Config{URL: u, SessionToken: token, Timeout: 5 * time.Second, MaxRetries: -1})
}

func parse(t testing.TB, values ...string) []scopes.AllowEntry {
	t.Helper()
	entries, err := scopes.ParseAllowListWithNames(scopes.Snapshot(), values)
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func requestsTo(srv *coderdtest.Server, route string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Route == route {
			n++
		}
	}
	return n
}
