//go:build shells

package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestShells drives completion in real zsh and fish ('make test-shells',
// which .ci/run calls after installing them). A missing shell fails the
// test: a completion nobody ran is not tested.
func TestShells(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		if _, err := exec.LookPath(shell); err != nil {
			t.Fatalf("%s is not installed (apt-get install -y zsh fish): %v", shell, err)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: filepath.Join("..", "..", "testdata", "shells"),
		Setup: func(env *testscript.Env) error {
			env.Setenv("HOME", env.WorkDir)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(env.WorkDir, ".config"))
			return nil
		},
	})
}
