package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

type createOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	mintFlags
	Output     *outputFlags
	EnvName    string // the variable -o env assigns
	Getenv     func(string) string
	DryRun     bool
	OutputFile string
	Force      bool

	verifyFlags
	KeyClient func(key string) (*sdk.Client, error)
}

const createLong = `Create a token and print its key. The key is shown only once.

Everything is checked locally before anything is sent: scope names against the
scope catalog (see 'coder tokens scopes'), allow-list entries, and the lifetime.
After creating the token, coder reads it back: if the server silently dropped
the requested scopes or allow list (servers older than v2.27/v2.28 do), the
token is revoked at once and nothing is printed.

Without --lifetime the server's default lifetime applies (coder sends 0; the
default is 7 days unless the deployment changed it). --lifetime max asks for
the longest lifetime the server allows for the target user.

Allow lists are exclusive: once given, the token can only touch the listed
objects, of any type. Use --dry-run to see what a token could do.`

func newTokensCreateCommand(f *Factory) *cobra.Command {
	opts := &createOptions{IO: f.IO, Client: f.Client, Now: f.Now, Getenv: f.Getenv, KeyClient: f.clientForKey}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a token",
		Long:  createLong,
		Example: `  # In a script or CI job: the key alone on stdout
  TOKEN=$(coder tokens create --name deploy-$CI_JOB_ID --lifetime 15m)

  # Read-only access to one workspace for a day
  coder tokens create --name viewer --scope workspace:read,template:read \
    --allow workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c --allow template:* --lifetime 1d

  # See the request and what the token could do, without creating it
  coder tokens create --scope coder:workspaces.access --allow workspace:<uuid> --dry-run

  # Metadata and key as JSON; or the key straight into a 0600 file
  coder tokens create -o json
  coder tokens create --output-file ./token`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCreate(cmd.Context(), opts)
		},
	}
	opts.mintFlags.label = f.flagLabel
	addMintFlags(cmd, &opts.mintFlags, mintFlagHelp{
		name:     "Name of the token (the server picks a random one if empty)",
		lifetime: "How long the token lives, e.g. 15m, 8h, 30d, 2w, 1y, 1d12h, or max (default: the server's default, 7d unless changed)",
	})
	fl := cmd.Flags()
	opts.Output = addOutputFlag(cmd, "text", "json", "env")
	addEnvNameFlag(cmd, &opts.EnvName, "Variable name for -o env, which prints one NAME=key line")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show the request and what the token could do, without creating it")
	withEnv(fl, "dry-run", "CODER_DRY_RUN")
	fl.StringVar(&opts.OutputFile, "output-file", "", "Write the key to this file (mode 0600) instead of stdout")
	withEnv(fl, "output-file", "CODER_TOKEN_OUTPUT_FILE")
	fl.BoolVar(&opts.Force, "force", false, "Overwrite the --output-file if it exists")
	withEnv(fl, "force", "CODER_FORCE")
	addVerifyFlags(cmd, &opts.verifyFlags)
	return cmd
}

// validateCreate checks every flag without touching the network.
func validateCreate(opts *createOptions) (workflow.Plan, error) {
	plan, problems := opts.mintFlags.plan()
	var others []error
	if err := validateEnvName(opts.EnvName); err != nil {
		others = append(others, err)
	}
	if opts.OutputFile != "" && !opts.DryRun {
		if _, err := checkKeyFile(opts.OutputFile, opts.Force); err != nil {
			others = append(others, err)
		}
	}
	if len(others) > 0 && len(problems) == 0 && plan.Deferred() {
		problems = opts.mintFlags.strictProblems()
	}
	if problems = append(problems, others...); len(problems) > 0 {
		return plan, asUsage(errors.Join(problems...))
	}
	return plan, nil
}

func runCreate(ctx context.Context, opts *createOptions) error {
	plan, err := validateCreate(opts)
	if err != nil {
		return err
	}
	client, err := opts.Client()
	if err != nil {
		var notLoggedIn *notLoggedInError
		if opts.DryRun && errors.As(err, &notLoggedIn) {
			return writeOfflineDryRun(opts, plan)
		}
		return err
	}
	minter := &workflow.Minter{Client: client}
	if opts.DryRun {
		prepared, err := minter.PrepareDryRun(ctx, plan)
		if err != nil {
			return explainCreateError(err, plan, opts.mintFlags.labelFor)
		}
		var missing []workflow.Dependency
		if !plan.WithDeps {
			// Best effort: without it, the warning keeps its placeholders.
			missing, _ = workflow.Closure(ctx, client, prepared.Resolved)
		}
		return writeDryRun(opts, prepared, missing)
	}
	checked, err := checkPlan(ctx, minter, &opts.mintFlags, plan, 0)
	if err != nil {
		return err
	}
	if opts.Verify {
		checked.prepared.Verifier = func(key string) (workflow.AuthChecker, error) { return opts.KeyClient(key) }
		checked.prepared.RequireVerified = opts.RequireVerified
	}
	result, err := mintChecked(ctx, opts.IO, minter, checked)
	if err != nil {
		var unverified *workflow.UnverifiedError
		if errors.As(err, &unverified) {
			warnVerdicts(opts.IO, result)
		}
		return err
	}
	warnVerdicts(opts.IO, result)
	revoke := func(id string) error { return minter.Revoke(ctx, checked.plan.Target(), id) }
	return writeKey(opts, result, revoke)
}

// writeOfflineDryRun shows what it can without a server: the snapshot, and
// named entries left unresolved.
func writeOfflineDryRun(opts *createOptions, plan workflow.Plan) error {
	facts := workflow.Facts{Catalog: scopes.Snapshot(),
		CatalogNote: "not logged in: checked against the bundled scope catalog only; the lifetime maximum is unknown"}
	if err := workflow.CheckCatalog(plan, facts); err != nil {
		return explainCreateError(err, plan, opts.mintFlags.labelFor)
	}
	prepared := workflow.Prepared{Plan: plan, Facts: facts}
	for _, e := range plan.Allow {
		r := workflow.Resolved{Entry: e}
		if e.IsNamed() {
			r.From = e.Written()
		}
		prepared.Resolved = append(prepared.Resolved, r)
	}
	prepared.Request = plan.Request(plan.Lifetime.Duration)
	return writeDryRun(opts, prepared, nil)
}

// checkedPlan is a plan made ready to post.
type checkedPlan struct {
	plan      workflow.Plan
	prepared  workflow.Prepared
	facts     workflow.Facts
	requested time.Duration // the lifetime to post; 0: the server's default
	capped    bool          // defaultLifetime was more than the user may have
	label     func(flag string) string
}

// checkPlan resolves the plan's names and learns only the facts the POST
// cannot do without (see workflow.Minter.Prepare). create and exec share
// it, so both mint exactly alike. A plan without a lifetime gets
// defaultLifetime (0: the server's own default), capped at the target
// user's maximum rather than refused: the user did not ask for it.
func checkPlan(ctx context.Context, minter *workflow.Minter, flags *mintFlags, plan workflow.Plan, defaultLifetime time.Duration) (checkedPlan, error) {
	plan.DefaultLifetime = defaultLifetime
	prepared, err := minter.Prepare(ctx, plan)
	if err != nil {
		return checkedPlan{}, explainCreateError(err, plan, flags.labelFor)
	}
	return checkedPlan{plan: plan, prepared: prepared, facts: prepared.Facts,
		requested: prepared.Request.Lifetime, capped: prepared.Capped, label: flags.labelFor}, nil
}

// mintChecked mints a checked plan. On stderr it says what --with-deps
// added, then warns about access the token may lack and about what could
// not be verified.
func mintChecked(ctx context.Context, streams *IOStreams, minter *workflow.Minter, c checkedPlan) (workflow.Result, error) {
	for _, dep := range c.prepared.Added {
		fmt.Fprintf(streams.ErrOut, "--with-deps: added %s for %s: %s\n", dep.Entry, dep.For, safetext.Escape(dep.Reason))
	}
	explanation := scopes.Explain(c.facts.Catalog, c.plan.Scopes, c.prepared.Entries())
	var missingDeps bool
	for _, w := range explanation.Warnings {
		if w.Code == scopes.WarnWorkspaceMissingRelated {
			// Said after the POST, with the real entries, once the
			// workspaces have been looked up beside the read-back.
			missingDeps = true
			continue
		}
		fmt.Fprintf(streams.ErrOut, "warning: %s\n", w.Message)
	}
	c.prepared.FindMissingDeps = missingDeps
	result, err := minter.Mint(ctx, c.prepared)
	if err != nil {
		return result, explainCreateError(err, c.plan, c.label)
	}
	if missingDeps {
		fmt.Fprintf(streams.ErrOut, "warning: %s\n", missingDepsWarning(explanation, result))
	}
	for _, w := range result.Warnings {
		fmt.Fprintf(streams.ErrOut, "warning: %s\n", w)
	}
	return result, nil
}

// missingDepsWarning names the entries the workspace entries also need, or
// falls back to the placeholders when the workspaces could not be read.
func missingDepsWarning(ex scopes.Explanation, result workflow.Result) string {
	if result.MissingDepsErr != nil || len(result.MissingDeps) == 0 {
		for _, w := range ex.Warnings {
			if w.Code == scopes.WarnWorkspaceMissingRelated {
				return w.Message + "; --with-deps adds them"
			}
		}
	}
	entries := make([]string, len(result.MissingDeps))
	for i, d := range result.MissingDeps {
		entries[i] = d.Entry.String()
	}
	return fmt.Sprintf("the allow list names specific workspaces, but workspace calls also check the workspace's template, template version, owner, organization membership and dormant twin; missing: %s (--with-deps adds them)",
		strings.Join(entries, ", "))
}
