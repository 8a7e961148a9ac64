package docgen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scopedtokens/coder/cli"
)

// TestDocsAreCurrent fails when docs/ no longer matches the command tree:
// a flag or command was added, removed or reworded without 'make docs'.
func TestDocsAreCurrent(t *testing.T) {
	fresh := t.TempDir()
	if err := WriteDocs(cli.DocsRoot(), fresh); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "docs")
	for _, sub := range []string{"man", "reference"} {
		want := readTree(t, filepath.Join(fresh, sub))
		got := readTree(t, filepath.Join(committed, sub))
		if len(want) < 10 {
			t.Fatalf("only %d generated files in %s; the generator is broken", len(want), sub)
		}
		for name, content := range want {
			old, ok := got[name]
			switch {
			case !ok:
				t.Errorf("docs/%s/%s is missing; run 'make docs'", sub, name)
			case !bytes.Equal(old, content):
				t.Errorf("docs/%s/%s is stale; run 'make docs'", sub, name)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("docs/%s/%s documents a command that no longer exists; run 'make docs'", sub, name)
			}
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

func TestDocsCoverEveryCommand(t *testing.T) {
	dir := t.TempDir()
	if err := WriteDocs(cli.DocsRoot(), dir); err != nil {
		t.Fatal(err)
	}
	pages := readTree(t, filepath.Join(dir, "reference"))
	names := make([]string, 0, len(pages))
	for name := range pages {
		names = append(names, name)
	}
	for _, want := range []string{"coder.md", "coder_tokens_create.md", "coder_tokens_prune.md", "coder_login.md",
		"coder_completion_bash.md", "coder_help_formatting.md"} {
		if !slices.Contains(names, want) {
			t.Errorf("no %s among %v", want, names)
		}
	}
	if !bytes.Contains(pages["coder_tokens_list.md"], []byte("--unused-for")) {
		t.Error("coder_tokens_list.md does not document --unused-for")
	}
}
