package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

type createOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	Name       string
	Lifetime   string
	User       string
	Scopes     []string
	Allow      []string
	Output     *outputFlags
	DryRun     bool
	OutputFile string
	Force      bool
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
	opts := &createOptions{IO: f.IO, Client: f.Client, Now: f.Now}
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
	fl := cmd.Flags()
	fl.StringVarP(&opts.Name, "name", "n", "", "Name of the token (the server picks a random one if empty)")
	withEnv(fl, "name", "CODER_TOKEN_NAME")
	fl.StringVar(&opts.Lifetime, "lifetime", "", "How long the token lives, e.g. 15m, 8h, 30d, 2w, 1y, 1d12h, or max (default: the server's default, 7d unless changed)")
	withEnv(fl, "lifetime", "CODER_TOKEN_LIFETIME")
	fl.StringVarP(&opts.User, "user", "u", "me", "User to create the token for (username or ID; other users need the Owner role)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.StringArrayVar(&opts.Scopes, "scope", nil, "A `scope` for the token, e.g. workspace:read (repeatable or comma-separated; default coder:all)")
	withEnv(fl, "scope", "CODER_TOKEN_SCOPES")
	fl.StringArrayVar(&opts.Allow, "allow", nil, "Allow-list entry `type:id`, where id is a UUID or *, e.g. workspace:<uuid> (repeatable or comma-separated)")
	withEnv(fl, "allow", "CODER_TOKEN_ALLOW_LIST")
	opts.Output = addOutputFlag(cmd, "text", "json")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show the request and what the token could do, without creating it")
	withEnv(fl, "dry-run", "CODER_DRY_RUN")
	fl.StringVar(&opts.OutputFile, "output-file", "", "Write the key to this file (mode 0600) instead of stdout")
	withEnv(fl, "output-file", "CODER_TOKEN_OUTPUT_FILE")
	fl.BoolVar(&opts.Force, "force", false, "Overwrite the --output-file if it exists")
	withEnv(fl, "force", "CODER_FORCE")
	_ = cmd.RegisterFlagCompletionFunc("scope", completeScopes)
	_ = cmd.RegisterFlagCompletionFunc("allow", completeAllowTypes)
	return cmd
}

// validateCreate checks every flag without touching the network.
func validateCreate(opts *createOptions) (workflow.Plan, error) {
	plan := workflow.Plan{User: strings.TrimSpace(opts.User), Name: opts.Name}
	if plan.User == "" {
		plan.User = "me"
	}
	var problems []error
	if opts.Lifetime != "" {
		lt, err := lifetime.Parse(opts.Lifetime)
		if err != nil {
			problems = append(problems, fmt.Errorf("--lifetime: %w", err))
		}
		plan.Lifetime = lt
	}
	catalog := scopes.Snapshot()
	parsed, err := scopes.ParseScopes(catalog, opts.Scopes)
	if err != nil {
		problems = append(problems, prefixEach("--scope", err))
	}
	plan.Scopes = parsed
	allow, err := scopes.ParseAllowList(catalog, opts.Allow)
	if err != nil {
		problems = append(problems, prefixEach("--allow", err))
	}
	plan.Allow = allow
	if opts.OutputFile != "" && !opts.Force && !opts.DryRun {
		if _, err := os.Lstat(opts.OutputFile); err == nil {
			problems = append(problems, fmt.Errorf("--output-file: %s already exists; pass --force to overwrite it", opts.OutputFile))
		}
	}
	if len(problems) > 0 {
		return plan, asUsage(errors.Join(problems...))
	}
	return plan, nil
}

// prefixEach puts the flag name in front of every joined error, so each bad
// value reads on its own line.
func prefixEach(flag string, err error) error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		errs := joined.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", flag, e)
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("%s: %w", flag, err)
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
			return writeDryRun(opts, plan, workflow.Facts{Catalog: scopes.Snapshot(),
				CatalogNote: "not logged in: checked against the bundled scope catalog only; the lifetime maximum is unknown"}, 0)
		}
		return err
	}
	minter := &workflow.Minter{Client: client}
	facts, err := minter.Facts(ctx, plan)
	if err != nil {
		return err
	}
	requested, err := minter.Check(ctx, plan, facts)
	if err != nil {
		return explainCreateError(err, plan)
	}
	if opts.DryRun {
		return writeDryRun(opts, plan, facts, requested)
	}

	explanation := scopes.Explain(facts.Catalog, plan.Scopes, plan.Allow)
	for _, w := range explanation.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w.Message)
	}
	result, err := minter.Mint(ctx, plan, plan.Request(requested))
	if err != nil {
		return explainCreateError(err, plan)
	}
	for _, w := range result.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w)
	}
	return writeKey(opts, result.Token, result.Key)
}

// explainCreateError turns the workflow's typed errors into what a person
// reads: the flag at fault, the exit code and a hint.
func explainCreateError(err error, plan workflow.Plan) error {
	var (
		unoffered *workflow.UnofferedScopesError
		tooLong   *workflow.LifetimeError
		post      *workflow.PostError
		revoked   *workflow.RevokedError
	)
	switch {
	case errors.As(err, &unoffered):
		return withHint(asUsage(fmt.Errorf("--scope: %w", err)), "'coder tokens scopes' lists what this server offers")
	case errors.As(err, &tooLong):
		return lifetimeTooLong(tooLong)
	case errors.As(err, &post):
		switch {
		case sdk.IsConflict(err):
			return withHint(err, fmt.Sprintf("choose another --name, or delete the old token first with 'coder tokens rm --delete %s' (an expired token keeps its name)", plan.Name))
		case exitCode(err) == exitServer:
			return withHint(err, "the server may have created the token anyway; check with 'coder tokens ls' and remove it if it is there")
		}
	case errors.As(err, &revoked):
		return withHint(err, "scopes need Coder v2.27 or newer and allow lists v2.28 or newer; upgrade the server, or create the token without --scope/--allow")
	}
	return err
}

// lifetimeTooLong explains a too-long lifetime in human units and says
// which cap applies.
func lifetimeTooLong(e *workflow.LifetimeError) error {
	cap := "the maximum set by the deployment"
	if e.Known {
		if e.Owner {
			cap = fmt.Sprintf("the owner maximum for %s, set by CODER_MAX_ADMIN_TOKEN_LIFETIME on the server", e.Username)
		} else {
			cap = fmt.Sprintf("the member maximum for %s, set by CODER_MAX_TOKEN_LIFETIME on the server", e.Username)
		}
	}
	return withHint(usageErrorf("--lifetime %s is longer than %s allowed (%s)", lifetime.Format(e.Requested), formatLimit(e.Max), cap),
		fmt.Sprintf("use --lifetime %s or shorter, or --lifetime max", formatLimit(e.Max)))
}

// writeKey prints the key (text) or metadata plus key (JSON), to stdout or the
// --output-file.
func writeKey(opts *createOptions, meta sdk.APIKey, key string) error {
	if opts.OutputFile != "" {
		if err := writeFileAtomic(opts.OutputFile, []byte(key+"\n"), !opts.Force); err != nil {
			// The file failed; stdout is the last place the key can go.
			fmt.Fprintf(opts.IO.ErrOut, "warning: cannot write the key to %s (%v); printing it instead\n", opts.OutputFile, err)
			return writeKeyTo(opts, meta, key)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Wrote the key of token %q (ID %s) to %s.\n", meta.TokenName, meta.ID, opts.OutputFile)
		if opts.Output.String() == "json" {
			return opts.Output.writeJSON(opts.IO, meta)
		}
		return nil
	}
	return writeKeyTo(opts, meta, key)
}

func writeKeyTo(opts *createOptions, meta sdk.APIKey, key string) error {
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, struct {
			sdk.APIKey
			Key string `json:"key"`
		}{meta, key})
	}
	if opts.IO.IsStdoutTTY() {
		fmt.Fprintln(opts.IO.ErrOut, "Store this key now: it is shown only once and cannot be retrieved later.")
	}
	_, err := fmt.Fprintln(opts.IO.Out, key)
	return err
}

func wireStrings(targets []sdk.AllowListTarget) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.String()
	}
	return out
}
