package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/credstore"
	"github.com/scopedtokens/coder/sdk"
)

// Main runs the CLI with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, streams *IOStreams) int {
	return run(ctx, args, streams, Options{})
}

func run(ctx context.Context, args []string, streams *IOStreams, opts Options) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	streams.interrupted = ctx.Done()
	f := newFactory(streams)
	f.interrupts = interrupts{signals: opts.Signals, cancel: cancel}
	defer f.interrupts.release()
	f.keyringProvider, f.keyringTimeout = opts.Keyring, opts.KeyringTimeout
	f.openBrowser = opts.OpenBrowser
	if f.openBrowser == nil {
		f.openBrowser = openBrowser
	}
	defer routeStdlibLog(f)()
	root := newRootCommandFor(f, args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		fmt.Fprintln(streams.ErrOut, "interrupted")
		// A hint says what the interrupted request may have left behind
		// (create: whether the token may exist).
		var hinted *hintedError
		if errors.As(err, &hinted) {
			fmt.Fprintf(streams.ErrOut, "hint: %s\n", hinted.hint)
		}
		return 130
	}
	err = f.explainMissingUser(ctx, err)
	var silent *silentError
	if !errors.As(err, &silent) {
		renderError(streams.ErrOut, err, f.hintFor(err))
	}
	return exitCode(err)
}

// globalOptions are the flags every command accepts.
type globalOptions struct {
	url       string
	token     string
	tokenFile string
	configDir string
	timeout   time.Duration
	retries   int
	verbose   bool
	headers   []string
	forceTTY  bool

	profile    string
	useKeyring bool
}

// Factory hands commands what they need, built lazily so a command pays only
// for what it uses (no config read or client for `--help` or `tokens scopes
// --offline`).
type Factory struct {
	IO     *IOStreams
	Getenv func(string) string
	Now    func() time.Time

	global  globalOptions
	sources map[string]valueSource
	dir     configDir
	command string // full command path, for the User-Agent
	cmd     *cobra.Command
	// everyCommand is the whole command tree, for checks of values that
	// all commands share (environment, config.yaml) even when run built
	// only the command that runs.
	everyCommand func() *cobra.Command
	// completing is set while the shell asks for completions, whose stderr
	// lands on the user's prompt line: no warnings then.
	completing bool

	creds  *credentials
	client *sdk.Client

	// keyringProvider replaces the OS keyring (tests); keyringTimeout
	// bounds each call to it.
	keyringProvider credstore.Provider
	keyringTimeout  time.Duration
	credStore       *credstore.Store
	plaintextWarned bool
	openBrowser     func(url string) error
	interrupts      interrupts
}

func newFactory(streams *IOStreams) *Factory {
	return &Factory{IO: streams, Getenv: os.Getenv, Now: time.Now}
}

// Options replace parts of the system for tests.
type Options struct {
	// Keyring stands in for the OS keyring; Timeout bounds each call to it
	// (default credstore.DefaultKeyringTimeout).
	Keyring        credstore.Provider
	KeyringTimeout time.Duration
	// OpenBrowser stands in for the desktop's URL handler.
	OpenBrowser func(url string) error
	// Signals cancel the running command (main passes SIGINT and SIGTERM):
	// it then says "interrupted", with what may be left behind, and exits
	// 130.
	Signals []os.Signal
}

// MainWithOptions is Main with parts of the system replaced.
func MainWithOptions(ctx context.Context, args []string, streams *IOStreams, opts Options) int {
	return run(ctx, args, streams, opts)
}

const rootLong = `coder mints, lists, views and removes scoped API tokens on a Coder deployment.

Scopes, allow lists and lifetimes are checked locally before anything is sent,
and 'coder tokens create --dry-run' explains what a token would be able to do.

Configuration, highest precedence first:
  1. command-line flags
  2. CODER_* environment variables (each flag's variable is shown in its help)
  3. the url and session files in the config directory (written by 'coder login',
     shared with the upstream coder CLI)
  4. config.yaml in the config directory, for defaults such as "output: json"
     or "timeout: 10s"

`

// newRootShell is the root command with its persistent flags and no
// subcommands; command_tree.go adds those.
func newRootShell(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "coder",
		Short: "Manage scoped API tokens on a Coder deployment",
		Long:  rootLong + exitCodesHelp,
		Example: `  # Log in once; the session is stored in ~/.config/coderv2
  coder login https://coder.example.com

  # Mint a read-only token for one workspace that lives one hour
  coder tokens create --scope workspace:read --allow workspace:<uuid> --lifetime 1h

  # In CI: configuration from the environment, the key alone on stdout
  TOKEN=$(CODER_URL=... CODER_SESSION_TOKEN=... coder tokens create --lifetime 15m)`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          noArgsOrSuggest,
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := rejectEmptyArgs(cmd, args); err != nil {
				return err
			}
			return f.prepare(cmd)
		},
	}
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	defaultHelp := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if !f.IO.IsStdoutTTY() {
			defaultHelp(cmd, args)
			return
		}
		// On a terminal, long help lines wrap at word boundaries, flag
		// descriptions continuing in their column.
		var buf bytes.Buffer
		cmd.SetOut(&buf)
		defaultHelp(cmd, args)
		cmd.SetOut(f.IO.Out)
		_, _ = io.WriteString(f.IO.Out, wrapText(buf.String(), f.IO.TerminalWidth(), helpIndent))
	})
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return withHint(asUsage(err), fmt.Sprintf("see '%s --help'", cmd.CommandPath()))
	})
	root.CompletionOptions.HiddenDefaultCmd = false

	pf := root.PersistentFlags()
	pf.StringVar(&f.global.url, "url", "", "URL of the Coder deployment")
	withEnv(pf, "url", "CODER_URL")
	pf.StringVar(&f.global.token, "token", "", "Session token; prefer $CODER_SESSION_TOKEN or --token-file, which stay out of the process list")
	withEnv(pf, "token", "CODER_SESSION_TOKEN")
	pf.StringVar(&f.global.tokenFile, "token-file", "", "Read the session token from this file, or from stdin with -")
	withEnv(pf, "token-file", "CODER_SESSION_TOKEN_FILE")
	pf.StringVar(&f.global.configDir, "global-config", "", "Config directory holding the url and session files (default ~/.config/coderv2)")
	withEnv(pf, "global-config", "CODER_CONFIG_DIR")
	pf.DurationVar(&f.global.timeout, "timeout", 30*time.Second, "Time limit for each HTTP request")
	withEnv(pf, "timeout", "CODER_TIMEOUT")
	pf.IntVar(&f.global.retries, "retries", 3, "Retries of a read after a 5xx, rate limit or dropped connection (0: none); a refused connection is retried once at most")
	withEnv(pf, "retries", "CODER_RETRIES")
	pf.BoolVarP(&f.global.verbose, "verbose", "v", false, "Log HTTP requests and responses to stderr, with secrets redacted")
	withEnv(pf, "verbose", "CODER_VERBOSE")
	pf.StringArrayVar(&f.global.headers, "header", nil, "Extra HTTP header for every request, as `key=value` (repeatable)")
	withEnv(pf, "header", "CODER_HEADER")
	pf.BoolVar(&f.global.forceTTY, "force-tty", false, "Format output as for a terminal even when it is piped")
	withEnv(pf, "force-tty", "CODER_FORCE_TTY")
	pf.StringVar(&f.global.profile, "profile", "", "Use this stored login for one command instead of the active one ('coder profile list')")
	withEnv(pf, "profile", "CODER_PROFILE")
	pf.BoolVar(&f.global.useKeyring, "use-keyring", runtime.GOOS == "darwin" || runtime.GOOS == "windows",
		"Store the session token in the OS keyring (the Secret Service on Linux) instead of the session file; ignored with --global-config, as upstream")
	withEnv(pf, "use-keyring", "CODER_USE_KEYRING")

	return root
}

// prepare runs after flag parsing and before any command: it applies the
// environment and config file and checks global flags. It does no I/O beyond
// a stat of config.yaml.
func (f *Factory) prepare(cmd *cobra.Command) error {
	f.interrupts.catch()
	f.command = cmd.CommandPath()
	dir, err := f.configDirFromFlags(cmd)
	if err != nil {
		return err
	}
	f.dir = dir
	if err := rejectEmptyFlags(cmd); err != nil {
		return err
	}
	sources, warnings, err := bindEnvironment(cmd, dir, f.everyCommand)
	// Colour is decided as soon as $CODER_FORCE_TTY is bound, so that even
	// a binding error is marked.
	if f.global.forceTTY {
		f.IO.forceTTY()
	}
	f.IO.setColors(f.Getenv, f.global.forceTTY)
	if err != nil {
		return err
	}
	f.sources, f.cmd = sources, cmd
	if name := cmd.Name(); name == cobra.ShellCompRequestCmd || name == cobra.ShellCompNoDescRequestCmd {
		f.completing = true
	}
	if !f.completing {
		for _, w := range warnings {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s\n", w)
		}
	}
	if err := checkOutputFlags(cmd, sources); err != nil {
		return err
	}
	if f.IO.IsStderrTTY() && !f.global.verbose && !f.completing {
		// Long warnings and hints wrap at word boundaries; -v logs stay verbatim.
		f.IO.ErrOut = &wrapWriter{w: f.IO.ErrOut, width: f.IO.TerminalWidth()}
	}
	// --global-config may itself have come from $CODER_CONFIG_DIR just now.
	if f.global.configDir != "" {
		f.dir = configDir(f.global.configDir)
	}
	if f.global.timeout <= 0 {
		return usageErrorf("%s must be positive, got %s", f.flagLabel("timeout"), f.global.timeout)
	}
	if f.global.retries < 0 {
		return usageErrorf("%s must be 0 (no retries) or more, got %d", settingName(f.sources["retries"], "retries", "CODER_RETRIES"), f.global.retries)
	}
	if _, err := parseHeaders(f.global.headers); err != nil {
		return f.fromSource("header", err)
	}
	if f.global.profile != "" {
		if err := credstore.ValidProfileName(f.global.profile); err != nil {
			return asUsage(fmt.Errorf("%s: %w", f.profileFlagName(), err))
		}
	}
	if f.sources["token"] == sourceFlag && f.sources["token-file"] == sourceFlag {
		return usageErrorf("--token and --token-file cannot be used together")
	}
	return nil
}

// configDirFromFlags finds the config directory before the environment is
// bound, because config.yaml lives in it.
func (f *Factory) configDirFromFlags(cmd *cobra.Command) (configDir, error) {
	if flag := cmd.Flags().Lookup("global-config"); flag != nil && flag.Changed {
		return configDir(flag.Value.String()), nil
	}
	if dir := f.Getenv("CODER_CONFIG_DIR"); dir != "" {
		return configDir(dir), nil
	}
	return defaultConfigDir(f.Getenv)
}

func parseHeaders(values []string) (http.Header, error) {
	header := http.Header{}
	for _, kv := range values {
		key, value, ok := strings.Cut(kv, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			// Only the name is repeated: the rest may be a credential
			// typed as "Authorization: Bearer ...".
			return nil, usageErrorf("invalid --header %q: want key=value, e.g. --header 'X-Forwarded-User=alice'", headerNameOnly(kv))
		}
		header.Add(key, value)
	}
	return header, nil
}
