package cli

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/help")

// TestHelpGolden pins the --help text of every command: it is the manual most
// people read, so changes to it should be deliberate and reviewed.
func TestHelpGolden(t *testing.T) {
	root := newRootCommand(newFactory(&IOStreams{In: strings.NewReader(""), Out: new(bytes.Buffer), ErrOut: new(bytes.Buffer)}))
	root.InitDefaultCompletionCmd() // cobra adds it lazily on Execute
	var paths [][]string
	var walk func(cmd *cobra.Command, path []string)
	walk = func(cmd *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range cmd.Commands() {
			if sub.Hidden || sub.Name() == "help" || cmd.Name() == "completion" {
				continue
			}
			walk(sub, append(append([]string{}, path...), sub.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 12 {
		t.Fatalf("found only %d commands; the walk is broken", len(paths))
	}

	for _, path := range paths {
		name := strings.Join(append([]string{"coder"}, path...), "_")
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			streams := &IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr}
			code := Main(context.Background(), append(append([]string{}, path...), "--help"), streams)
			if code != 0 || stderr.Len() > 0 {
				t.Fatalf("--help exited %d with stderr %q", code, stderr.String())
			}
			golden := filepath.Join("..", "testdata", "help", name+".golden")
			if *update {
				if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./cli -run TestHelpGolden -update)", err)
			}
			if got := stdout.String(); got != string(want) {
				t.Errorf("--help of %q changed (run with -update if intended):\n--- got\n%s\n--- want\n%s", name, got, want)
			}
		})
	}
}
