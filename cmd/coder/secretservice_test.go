//go:build secretservice

package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	gokeyring "github.com/zalando/go-keyring"

	"github.com/scopedtokens/coder/internal/credstore"
)

// TestSecretService runs testdata/secretservice against the real Secret
// Service on the session bus (make test-keyring starts gnome-keyring-daemon
// under dbus-run-session). Without one it fails: it never skips.
func TestSecretService(t *testing.T) {
	const probe = "coder-tokens-secretservice-probe"
	if err := gokeyring.Set(probe, probe, "probe"); err != nil {
		t.Fatalf("no usable Secret Service on the session bus (run this through 'make test-keyring'): %v", err)
	}
	if err := gokeyring.Delete(probe, probe); err != nil {
		t.Fatalf("the Secret Service stored an item but cannot delete it: %v", err)
	}
	// Nothing left over from an earlier run decides the outcome.
	_ = gokeyring.Delete(credstore.KeyringService, credstore.KeyringAccount)
	params := scriptParams(filepath.Join("..", "..", "testdata", "secretservice"))
	setup := params.Setup
	params.Setup = func(env *testscript.Env) error {
		if err := setup(env); err != nil {
			return err
		}
		// The scripts' coder must reach the same session bus.
		env.Setenv("DBUS_SESSION_BUS_ADDRESS", os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
		return nil
	}
	runScripts(t, params)
}
