package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestEveryFlagHasAnEnvTwin keeps the promise that CI can configure every
// flag from the environment: a new flag without withEnv fails here.
func TestEveryFlagHasAnEnvTwin(t *testing.T) {
	root := newRootCommand(newFactory(&IOStreams{In: strings.NewReader(""), Out: new(bytes.Buffer), ErrOut: new(bytes.Buffer)}))
	seen := map[string]string{} // env name → flag, to catch one variable feeding two meanings
	var walk func(cmd *cobra.Command)
	walk = func(cmd *cobra.Command) {
		cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Name == "help" || f.Name == "version" {
				return
			}
			if commandLineOnly(f) {
				return
			}
			env := envName(f)
			if !strings.HasPrefix(env, "CODER_") {
				t.Errorf("%s --%s has no CODER_* environment twin", cmd.CommandPath(), f.Name)
				return
			}
			if !strings.Contains(f.Usage, "[$"+env+"]") {
				t.Errorf("%s --%s: help does not mention $%s", cmd.CommandPath(), f.Name, env)
			}
			if prev, ok := seen[env]; ok && prev != f.Name {
				t.Errorf("$%s feeds both --%s and --%s", env, prev, f.Name)
			}
			seen[env] = f.Name
		})
		for _, sub := range cmd.Commands() {
			if sub.Name() != "completion" && sub.Name() != "help" {
				walk(sub)
			}
		}
	}
	walk(root)
	if len(seen) < 20 {
		t.Fatalf("only %d env twins found; the walk is broken", len(seen))
	}
}
