package cli

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/childproc"
	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// execDefaultLifetime bounds what a crash of coder itself can leave behind.
const execDefaultLifetime = time.Hour

type execOptions struct {
	IO      *IOStreams
	Client  func() (*sdk.Client, error)
	Getenv  func(string) string
	Environ func() []string
	Now     func() time.Time

	mintFlags
	verifyFlags
	KeyClient func(key string) (*sdk.Client, error)
	EnvName   string
	Delete    bool
	Argv      []string
}

const execLong = `Mint a token, run COMMAND with it, and revoke the token when COMMAND ends.

The token is minted exactly as 'coder tokens create' would mint it, with the
same flags and checks: scopes, allow list and lifetime are checked before
anything is sent, and a token the server widened is revoked at once.

COMMAND is looked up before anything is sent (not found: exit 127, nothing is
created). It gets coder's environment plus CODER_URL and CODER_SESSION_TOKEN
set to the new key (--env picks another variable for the key). The session
token coder itself used is not passed on: CODER_SESSION_TOKEN_FILE, and
CODER_SESSION_TOKEN when --env names another variable, are removed. The key
is never in any argument list and never printed.

COMMAND's stdin, stdout and stderr are coder's own. SIGINT, SIGTERM and SIGHUP
are passed on to COMMAND (SIGINT not while coder runs in the foreground of a
terminal: Ctrl-C there reaches COMMAND by itself and is not doubled; a signal
coder was started ignoring, such as SIGHUP under nohup, stays ignored); coder
waits for it to end, then revokes the token:
it expires it (--delete deletes it; a server older than v2.31, which cannot
expire tokens, gets it deleted, and coder says so).

The lifetime defaults to 1h, capped at the longest the user may have: if coder
itself is killed, the token is left alive for at most that long.

Exit status: COMMAND's own, or 128+N when it died of signal N. If the token
cannot be revoked, coder says which token, when it expires by itself and how
to revoke it, and exits with COMMAND's status if that is not 0, else 6.`

func newTokensExecCommand(f *Factory) *cobra.Command {
	opts := &execOptions{IO: f.IO, Client: f.Client, Getenv: f.Getenv, Environ: os.Environ, Now: f.Now, KeyClient: f.clientForKey}
	cmd := &cobra.Command{
		Use:   "exec [flags] [--] COMMAND [ARGS...]",
		Short: "Run a command with a short-lived token, revoked when it ends",
		Long:  execLong,
		Example: `  # One CI job: a read-only token for one workspace, gone when the job step ends
  coder tokens exec --scope workspace:read --allow workspace:<uuid> -- ./deploy.sh

  # The child's own coder CLI picks the key up from $CODER_SESSION_TOKEN
  coder tokens exec --scope user:read -- coder whoami

  # Hand the key over in another variable
  coder tokens exec --env TF_VAR_coder_token -- terraform apply`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Argv = args
			return runExec(cmd.Context(), opts)
		},
	}
	// Everything after COMMAND is COMMAND's, even words that look like flags.
	cmd.Flags().SetInterspersed(false)
	addMintFlags(cmd, &opts.mintFlags, mintFlagHelp{
		name:     "Name of the token (default exec-<random>)",
		lifetime: "How long the token lives at most, e.g. 15m, 8h, or max; it is revoked as soon as COMMAND ends (default 1h, capped at the user's maximum)",
	})
	addVerifyFlags(cmd, &opts.verifyFlags)
	addEnvNameFlag(cmd, &opts.EnvName, "Environment variable that hands COMMAND the key")
	fl := cmd.Flags()
	fl.BoolVar(&opts.Delete, "delete", false, "Delete the token when COMMAND ends instead of expiring it (removes the audit trail)")
	withEnv(fl, "delete", "CODER_TOKEN_DELETE")
	return cmd
}

func runExec(ctx context.Context, opts *execOptions) error {
	plan, problems := opts.mintFlags.plan()
	if err := validateEnvName(opts.EnvName); err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return asUsage(errors.Join(problems...))
	}
	program, err := childproc.Find(opts.Argv)
	if err != nil {
		var notFound *childproc.FindError
		if errors.As(err, &notFound) {
			return withExitCode(fmt.Errorf("%w; nothing was created", err), notFound.Code)
		}
		return err
	}
	if plan.Name == "" {
		plan.Name = "exec-" + shortRandom()
	}

	// Subscribed before anything is minted: from here on a signal must not
	// kill coder while the token lives. Until COMMAND starts, one aborts.
	sigs := make(chan os.Signal, 4)
	childproc.Notify(sigs)
	defer signal.Stop(sigs)

	client, err := opts.Client()
	if err != nil {
		return err
	}
	minter := &workflow.Minter{Client: client}
	var checked checkedPlan
	var result workflow.Result
	early, err := untilSignal(ctx, sigs, func(ctx context.Context) error {
		var err error
		if checked, err = checkPlan(ctx, minter, &opts.mintFlags, plan, execDefaultLifetime); err != nil {
			return err
		}
		if checked.capped {
			who := "you"
			if target := checked.plan.Target(); target != "me" {
				who = target
			}
			fmt.Fprintf(opts.IO.ErrOut, "note: the token lives %s, the longest %s may have (less than the default %s)\n",
				formatLimit(checked.requested), who, lifetime.Format(execDefaultLifetime))
		}
		if opts.Verify {
			checked.prepared.Verifier = func(key string) (workflow.AuthChecker, error) { return opts.KeyClient(key) }
			checked.prepared.RequireVerified = opts.RequireVerified
		}
		result, err = mintChecked(ctx, opts.IO, minter, checked)
		var unverified *workflow.UnverifiedError
		if err == nil || errors.As(err, &unverified) {
			warnVerdicts(opts.IO, result)
		}
		return err
	})
	if early != nil {
		return interruptedWhileMinting(ctx, opts, client, plan, program, early, result, err)
	}
	if err != nil {
		return err
	}
	token := execToken{user: checked.plan.Target(), meta: result.Token, expires: result.Token.ExpiresAt}
	if token.expires.IsZero() {
		token.expires = opts.Now().Add(checked.requested) // read-back failed: the best estimate
	}
	if token.meta.ID == "" {
		// Without an ID the token cannot be revoked afterwards; do not hand it out.
		return withExitCode(fmt.Errorf("the server returned a key in an unexpected format, so the token could not be revoked after the command; it was not run, and the token expires by itself at %s",
			token.expires.UTC().Format(time.RFC3339)), exitServer)
	}
	maskKeyInCILogs(opts.Getenv, opts.IO.ErrOut, result.Key)

	status, runErr := runChild(opts, program, client, result.Key, sigs)
	revokeErr := revokeExecToken(ctx, opts, client, token)
	if runErr != nil {
		var notRun *childproc.FindError
		if errors.As(runErr, &notRun) {
			fmt.Fprintf(opts.IO.ErrOut, "error: %v\n", runErr)
		} else {
			fmt.Fprintf(opts.IO.ErrOut, "warning: %v\n", runErr)
		}
	}
	code := status.Code
	if revokeErr != nil && code == 0 {
		code = exitServer
	}
	if code == 0 {
		return nil
	}
	return &silentError{code: code}
}

// runChild runs COMMAND with the key, unless a signal came while minting:
// then COMMAND is not started and coder reports that signal's status.
func runChild(opts *execOptions, program *childproc.Program, client *sdk.Client, key string, sigs <-chan os.Signal) (childproc.Status, error) {
	select {
	case sig := <-sigs:
		s, _ := sig.(syscall.Signal)
		fmt.Fprintf(opts.IO.ErrOut, "interrupted (%v) before %s started; it was not run\n", sig, program.Args[0])
		return childproc.Status{Code: 128 + int(s), Signal: s}, nil
	default:
	}
	set := map[string]string{opts.EnvName: key}
	if u := client.URL(); u != nil {
		set["CODER_URL"] = u.String()
	}
	// The child holds the new key and nothing broader: coder's own session
	// token does not reach it under either name.
	unset := []string{"CODER_SESSION_TOKEN_FILE"}
	if opts.EnvName != defaultKeyEnv {
		unset = append(unset, defaultKeyEnv)
	}
	return program.Run(childproc.Spec{
		Env:     childproc.Environment(opts.Environ(), set, unset...),
		Stdin:   opts.IO.In,
		Stdout:  opts.IO.Out,
		Stderr:  opts.IO.ErrOut,
		Signals: sigs,
	})
}

// untilSignal runs fn with a context that a forwarded signal cancels: until
// COMMAND runs, a signal means "stop", as it would for create. It returns
// the signal, if one came.
func untilSignal(parent context.Context, sigs <-chan os.Signal, fn func(context.Context) error) (os.Signal, error) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var got os.Signal
	done, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case got = <-sigs:
			cancel()
		case <-done:
		}
	}()
	err := fn(ctx)
	close(done)
	<-watched
	if got == nil && parent.Err() != nil {
		// main's interrupt handling (SIGINT, SIGTERM) cancelled the work
		// first; the same signal is on its way to sigs.
		select {
		case got = <-sigs:
		case <-time.After(time.Second):
			got = os.Interrupt
		}
	}
	return got, err
}

// interruptedWhileMinting revokes whatever was minted before a signal came,
// and exits as COMMAND would have had the signal killed it.
func interruptedWhileMinting(ctx context.Context, opts *execOptions, client *sdk.Client, plan workflow.Plan, program *childproc.Program,
	sig os.Signal, result workflow.Result, mintErr error) error {
	s, _ := sig.(syscall.Signal)
	fmt.Fprintf(opts.IO.ErrOut, "interrupted (%v) before %s started; it was not run\n", sig, program.Args[0])
	var post *workflow.PostError
	switch {
	case result.Token.ID != "":
		_ = revokeExecToken(ctx, opts, client, execToken{user: plan.Target(), meta: result.Token, expires: result.Token.ExpiresAt})
	case errors.As(mintErr, &post):
		fmt.Fprintf(opts.IO.ErrOut, "the token %q may have been created before the interruption; check with 'coder tokens view %s' and remove it with 'coder tokens rm %s'\n",
			plan.Name, plan.Name, plan.Name)
	}
	return &silentError{code: 128 + int(s)}
}

type execToken struct {
	user    string
	meta    sdk.APIKey
	expires time.Time
}

// revokeExecToken revokes the token after COMMAND. A failure is reported in
// full here, because the token outlives the command: which token, when it
// expires by itself, and the exact command that revokes it.
func revokeExecToken(ctx context.Context, opts *execOptions, client *sdk.Client, t execToken) error {
	how := workflow.ExpireOrDelete
	if opts.Delete {
		how = workflow.Delete
	}
	revoked, err := workflow.RevokeToken(ctx, client, t.user, t.meta.ID, how)
	if err == nil {
		if revoked.NoExpire {
			fmt.Fprintf(opts.IO.ErrOut, "note: this server cannot expire tokens (it predates v2.31), so token %s was deleted instead\n", describeToken(t.meta))
		}
		return nil
	}
	var re *workflow.RevokeError
	remove := "coder tokens rm"
	if opts.Delete || (errors.As(err, &re) && re.How == workflow.Delete) {
		remove += " --delete --yes"
	}
	if t.user != "me" {
		remove += " --user " + t.user
	}
	fmt.Fprintf(opts.IO.ErrOut, "error: the token of this run, %s, could not be revoked and is still valid: %v\n", describeToken(t.meta), err)
	fmt.Fprintf(opts.IO.ErrOut, "  it expires by itself at %s (in %s)\n", t.expires.UTC().Format(time.RFC3339),
		formatLimit(max(0, t.expires.Sub(opts.Now()).Round(time.Second))))
	fmt.Fprintf(opts.IO.ErrOut, "hint: revoke it now with '%s %s'\n", remove, t.meta.ID)
	return err
}

// shortRandom is a name suffix: 8 characters of [a-z2-7], so that two jobs
// of one user do not collide.
func shortRandom() string {
	return strings.ToLower(rand.Text()[:8])
}
