package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

type pruneOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	Filter tokenFilter
	All    bool
	User   string
	Delete bool
	Yes    bool
	DryRun bool
}

func newTokensPruneCommand(f *Factory) *cobra.Command {
	opts := &pruneOptions{IO: f.IO, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "prune [filters]",
		Short: "Expire or delete every token a filter selects",
		Long: `Expire (or --delete) every token the filters select: the hygiene a deployment
that mints one token per CI job needs. The filters are those of 'coder tokens
list', so 'coder tokens ls' with the same filters shows exactly what prune
would touch.

prune refuses to run without a filter; to mean every token, say so with
--name '*'. It lists what it will do on stderr, then asks on a terminal; when
standard input is not a terminal it needs --yes. --dry-run stops after the
list. Each result is reported; a failure does not stop the rest, and the
exit code is that of the first failure.

Without --delete, tokens that have already expired are left alone; with it
they are deleted too (all of them with --status expired).`,
		Example: `  coder tokens prune --unused-for 90d --dry-run
  coder tokens prune --name 'ci-*' --expiring-within 1d --yes
  coder tokens prune --all --status expired --delete --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPrune(cmd.Context(), opts)
		},
	}
	addFilterFlags(cmd, &opts.Filter)
	fl := cmd.Flags()
	fl.BoolVarP(&opts.All, "all", "a", false, "Prune the tokens of all users (needs the Owner role)")
	withEnv(fl, "all", "CODER_TOKENS_ALL")
	fl.StringVarP(&opts.User, "user", "u", "me", "User whose tokens to prune (username or ID)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.BoolVar(&opts.Delete, "delete", false, "Delete permanently instead of expiring (removes the audit trail)")
	withEnv(fl, "delete", "CODER_TOKEN_DELETE")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	withEnv(fl, "yes", "CODER_YES")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "List what would be pruned and change nothing")
	withEnv(fl, "dry-run", "CODER_DRY_RUN")
	return cmd
}

func runPrune(ctx context.Context, opts *pruneOptions) error {
	if !opts.Filter.selects() {
		return withHint(usageErrorf("prune needs a filter: --name, --status, --expiring-within, --unused-for or --unrestricted"),
			"to prune every token, say so with --name '*'; 'coder tokens ls' with the same filters shows what would go")
	}
	if opts.Filter.Status == "expired" && !opts.Delete {
		return withHint(usageErrorf("--status expired selects tokens that are already expired; expiring them again does nothing"),
			"add --delete to remove them permanently")
	}
	verb, done := "expire", "expired"
	if opts.Delete {
		verb, done = "delete", "deleted"
	}
	if !opts.Yes && !opts.DryRun && !opts.IO.CanPrompt() {
		_, err := requireConsent(opts.IO, false, verb+" tokens", "")
		return err
	}
	client, err := opts.Client()
	if err != nil {
		return err
	}
	// Without --delete an expired token has nothing left to lose.
	includeExpired := opts.Delete
	tokens, err := client.Tokens(ctx, opts.User, sdk.TokensFilter{IncludeAll: opts.All, IncludeExpired: includeExpired})
	if err != nil {
		return fmt.Errorf("cannot list tokens: %w", err)
	}
	now := opts.Now()
	match := opts.Filter.match(now)
	tokens = slices.DeleteFunc(tokens, func(t sdk.APIKeyWithOwner) bool {
		return (!includeExpired && !t.ExpiresAt.After(now)) || !match(t)
	})
	sortSpec{}.sort(tokens)
	if len(tokens) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No tokens match the filters; nothing to do.")
		return nil
	}

	fmt.Fprintf(opts.IO.ErrOut, "Will %s %s:\n", verb, plural(len(tokens), "token"))
	times := timeFormatter{relative: opts.IO.IsStderrTTY(), now: now}
	for _, t := range tokens {
		fmt.Fprintf(opts.IO.ErrOut, "  %s\n", describePruned(t, opts.All, times))
	}
	if opts.DryRun {
		fmt.Fprintln(opts.IO.ErrOut, "Dry run: nothing was changed.")
		return nil
	}
	question := fmt.Sprintf("%s these %s?", map[bool]string{false: "Expire", true: "Permanently delete"}[opts.Delete], plural(len(tokens), "token"))
	ok, err := requireConsent(opts.IO, opts.Yes, verb+" tokens", question)
	if err != nil {
		return err
	}
	if !ok {
		return usageErrorf("nothing was %s", done)
	}

	var failures []error
	succeeded := 0
	workflow.Prune(ctx, client, tokens, opts.Delete, func(r workflow.PruneResult) {
		if r.Err != nil {
			err := fmt.Errorf("cannot %s token %s: %w", verb, describeToken(r.Token.APIKey), r.Err)
			if !opts.Delete && expireUnsupported(r.Err) {
				err = withHint(fmt.Errorf("cannot expire token %s: this server has no expire endpoint (it predates v2.31)", describeToken(r.Token.APIKey)),
					"delete them permanently instead with --delete")
			}
			renderError(opts.IO.ErrOut, err, "")
			failures = append(failures, err)
			return
		}
		succeeded++
		fmt.Fprintf(opts.IO.ErrOut, "Token %s has been %s.\n", describeToken(r.Token.APIKey), done)
	})
	fmt.Fprintf(opts.IO.ErrOut, "%s %d of %s.\n", map[bool]string{false: "Expired", true: "Deleted"}[opts.Delete],
		succeeded, plural(len(tokens), "token"))
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(failures) > 0 {
		// Each failure was reported as it happened; the exit code is the first one's.
		return &silentError{code: exitCode(errors.Join(failures...))}
	}
	return nil
}

// describePruned is one line of the plan: enough to recognise the token.
func describePruned(t sdk.APIKeyWithOwner, withOwner bool, times timeFormatter) string {
	lastUsed := "never used"
	if !neverUsed(t.LastUsed, t.CreatedAt) {
		lastUsed = "last used " + times.format(t.LastUsed)
	}
	line := fmt.Sprintf("%s  %s, expires %s", describeToken(t.APIKey), lastUsed, times.format(t.ExpiresAt))
	if withOwner {
		line += ", owner " + safetext.Escape(t.Username)
	}
	return line
}
