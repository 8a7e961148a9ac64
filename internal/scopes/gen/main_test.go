package main

import (
	"slices"
	"testing"

	"github.com/scopedtokens/coder/internal/coderdtest"
)

func TestNamesComeFromTheURLThenTheFile(t *testing.T) {
	srv := coderdtest.New(t, coderdtest.Options{ScopeCatalog: []string{"coder:all", "workspace_execution:read"}})
	for _, u := range []string{srv.URL, srv.URL + "/api/v2/auth/scopes"} {
		t.Setenv("CODER_SCOPES_URL", u)
		names, from, err := serverNames()
		if err != nil || !slices.Equal(names, []string{"coder:all", "workspace_execution:read"}) || from != srv.URL {
			t.Fatalf("from %s: %v %q %v", u, names, from, err)
		}
	}
	t.Setenv("CODER_SCOPES_URL", "")
	t.Setenv("CODER_SCOPES_FILE", "../testdata/auth-scopes.json")
	names, from, err := serverNames()
	if err != nil || len(names) == 0 || from != "../testdata/auth-scopes.json" {
		t.Fatalf("from the file: %d names, %q, %v", len(names), from, err)
	}
	t.Setenv("CODER_SCOPES_FILE", "missing.json")
	if _, _, err := serverNames(); err == nil {
		t.Fatal("a missing file is not an error")
	}
}
