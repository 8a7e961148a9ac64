package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// defaultKeyEnv is the variable a key is handed over in: the one coder, the
// upstream CLI and Coder's CI actions read.
const defaultKeyEnv = "CODER_SESSION_TOKEN"

// envNamePattern is what POSIX shells, GitHub's $GITHUB_ENV and GitLab's
// dotenv reports accept as a variable name.
var envNamePattern = lazyRegexp(`^[A-Za-z_][A-Za-z0-9_]*$`)

// addEnvNameFlag registers --env, the variable a key is handed over in.
func addEnvNameFlag(cmd *cobra.Command, name *string, usage string) {
	cmd.Flags().StringVar(name, "env", defaultKeyEnv, usage)
	withEnv(cmd.Flags(), "env", "CODER_TOKEN_ENV")
}

// validateEnvName checks a --env value before anything is sent.
func validateEnvName(name string) error {
	if !envNamePattern().MatchString(name) {
		return usageErrorf("--env: %q is not a usable environment variable name: want letters, digits and _, not starting with a digit, e.g. --env CODER_SESSION_TOKEN", name)
	}
	return nil
}

// envLine renders a key as one NAME=key line, for `>> "$GITHUB_ENV"` or a
// GitLab dotenv artifact. Keys are [0-9A-Za-z-], so no quoting is needed.
func envLine(name, key string) string {
	return name + "=" + key + "\n"
}

// maskKeyInCILogs registers a freshly minted key with the GitHub Actions log
// masker, so that a later `set -x` or a careless echo prints *** instead of
// the key. It must run before the key is written anywhere.
//
// The runner scans both stdout and stderr of a step for workflow commands
// (actions/runner @ 258d6c857db3519913f7deb6004b60172f8043ae:
// src/Runner.Worker/Handlers/ScriptHandler.cs lines 335-336 subscribe an
// OutputManager to StepHost.OutputDataReceived and ErrorDataReceived, and
// src/Runner.Worker/Handlers/OutputManager.cs line 77, OnDataReceived, passes
// every line containing "::" to ActionCommandManager.TryProcessCommand).
// The command goes to stderr: `KEY=$(coder tokens create)` captures stdout
// only, and a mask line there would end up in the variable. AddMask omits
// the echo (ActionCommandManager.cs line 423, OmitEcho), so the line itself
// never shows in the log.
//
// Outside GitHub Actions the line would be noise that carries the key, so it
// is written only when GITHUB_ACTIONS is exactly "true", as the runner sets it.
func maskKeyInCILogs(getenv func(string) string, stderr io.Writer, key string) {
	if getenv("GITHUB_ACTIONS") != "true" || key == "" {
		return
	}
	fmt.Fprintf(stderr, "::add-mask::%s\n", key)
}
