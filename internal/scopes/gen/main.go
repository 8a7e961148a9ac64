// Command gen rebuilds scope-catalog.json from a server's scope list, and
// snapshot_gen.go (the same catalog as Go, which the binary embeds); run it with
// `go generate ./internal/scopes` (or `make catalog URL=...`).
//
// The names come from $CODER_SCOPES_URL (a deployment URL, or the full
// .../api/v2/auth/scopes URL; the endpoint needs no login), else from the saved answer
// in $CODER_SCOPES_FILE, else from testdata/auth-scopes.json. What cannot be learnt
// from names alone (expansions of new composites) is reported on stderr.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

const (
	catalogPath     = "scope-catalog.json"
	defaultSavedAns = "testdata/auth-scopes.json"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}

func run() error {
	names, from, err := serverNames()
	if err != nil {
		return err
	}
	current, err := os.ReadFile(catalogPath)
	if err != nil {
		return err
	}
	out, notes, err := scopes.RegenerateCatalog(current, names)
	if err != nil {
		return err
	}
	for _, n := range notes {
		fmt.Fprintf(os.Stderr, "gen: %s\n", n)
	}
	if err := os.WriteFile(catalogPath, out, 0o644); err != nil {
		return err
	}
	source, err := scopes.SnapshotSource(out)
	if err != nil {
		return err
	}
	if err := os.WriteFile(scopes.SnapshotSourceFile, source, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: wrote %s and %s from %d names (%s)\n", catalogPath, scopes.SnapshotSourceFile, len(names), from)
	return nil
}

func serverNames() (names []string, from string, err error) {
	if raw := os.Getenv("CODER_SCOPES_URL"); raw != "" {
		u, err := url.Parse(strings.TrimSuffix(strings.TrimSuffix(raw, "/"), "/api/v2/auth/scopes"))
		if err != nil || u.Host == "" {
			return nil, "", fmt.Errorf("$CODER_SCOPES_URL %q is not a deployment URL, e.g. https://coder.example.com", raw)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		catalog, err := sdk.New(sdk.Config{URL: u}).ScopeCatalog(ctx)
		if err != nil {
			return nil, "", fmt.Errorf("fetch the scope list: %w", err)
		}
		return catalog.External, u.Redacted(), nil
	}
	path := os.Getenv("CODER_SCOPES_FILE")
	if path == "" {
		path = defaultSavedAns
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	var catalog sdk.ScopeCatalog
	if err := json.Unmarshal(data, &catalog); err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	return catalog.External, path, nil
}
