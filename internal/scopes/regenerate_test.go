package scopes

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
)

// The generator and the embedded file agree on format: regenerating from the names the
// snapshot offers (what its server would list) gives the file back byte for byte.
func TestRegenerateRoundTripsTheEmbeddedCatalog(t *testing.T) {
	out, notes, err := RegenerateCatalog(snapshotJSON, Snapshot().Names())
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("notes for an unchanged list: %q", notes)
	}
	if !bytes.Equal(out, snapshotJSON) {
		t.Fatalf("regenerated catalog differs from the embedded one (%d vs %d bytes); run go generate ./internal/scopes", len(out), len(snapshotJSON))
	}
}

// The saved answer `go generate` reads by default is what the snapshot offers.
func TestSavedScopeListMatchesTheSnapshot(t *testing.T) {
	data, err := os.ReadFile("testdata/auth-scopes.json")
	if err != nil {
		t.Fatal(err)
	}
	var saved struct {
		External []string `json:"external"`
	}
	if err := json.Unmarshal(data, &saved); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(saved.External, Snapshot().Names()) {
		t.Fatalf("testdata/auth-scopes.json lists %d names, the snapshot %d", len(saved.External), len(Snapshot().Names()))
	}
}

func TestRegenerateFollowsANewerServer(t *testing.T) {
	names := append(Snapshot().Names(), "workspace_execution:read", "workspace:teleport", "coder:tasks.run", "all", "bogus")
	names = slices.DeleteFunc(names, func(n string) bool { return n == "coder:templates.build" || n == "file:read" })
	out, notes, err := RegenerateCatalog(snapshotJSON, names)
	if err != nil {
		t.Fatal(err)
	}
	var file catalogFile
	if err := json.Unmarshal(out, &file); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(file.LowLevel, "workspace_execution:read") || slices.Contains(file.LowLevel, "file:read") {
		t.Errorf("low_level did not follow the server: %v", file.LowLevel)
	}
	if got := file.Resources["workspace_execution"]; !slices.Contains(got, "read") {
		t.Errorf("new resource type: %v", got)
	}
	if !slices.Contains(file.Resources["workspace"], "teleport") {
		t.Errorf("new action not added: %v", file.Resources["workspace"])
	}
	if _, ok := file.Composites["coder:templates.build"]; ok {
		t.Error("a composite the server dropped is kept")
	}
	if _, ok := file.Composites["coder:tasks.run"]; ok {
		t.Error("a composite with an unknown expansion was invented")
	}
	// The alias maps to a name already listed and is no note.
	want := []string{
		`"bogus": not a scope name; ignored`,
		"coder:tasks.run: a composite whose expansion is unknown; left out (see coderd/rbac/scopes.go)",
		"coder:templates.build: no longer offered; removed",
		"file:read: no longer offered; removed",
		"workspace_execution: a resource type this file did not know",
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	// Regenerating the result from the same names is stable.
	again, _, err := RegenerateCatalog(out, names)
	if err != nil || !bytes.Equal(again, out) {
		t.Errorf("not idempotent: %v", err)
	}
}
