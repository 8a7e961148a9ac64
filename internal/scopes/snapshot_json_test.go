package scopes

import (
	_ "embed"
	"encoding/json"
	"os"
	"reflect"
	"testing"
)

// snapshotJSON is scope-catalog.json, the source snapshot_gen.go is
// generated from.
//
//go:embed scope-catalog.json
var snapshotJSON []byte

func TestSnapshotSourceIsCurrent(t *testing.T) {
	want, err := SnapshotSource(snapshotJSON)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(SnapshotSourceFile)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("%s is not what scope-catalog.json generates; run go generate ./internal/scopes", SnapshotSourceFile)
	}
}

// TestSnapshotFileEqualsJSON: the Go values are the JSON's, nil and empty
// lists included.
func TestSnapshotFileEqualsJSON(t *testing.T) {
	var fromJSON catalogFile
	if err := json.Unmarshal(snapshotJSON, &fromJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(snapshotFile, fromJSON) {
		t.Errorf("snapshotFile differs from scope-catalog.json:\n got %#v\nwant %#v", snapshotFile, fromJSON)
	}
}
