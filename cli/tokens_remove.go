package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

type removeOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)

	Refs   []string
	User   string
	Delete bool
	Yes    bool
}

func newTokensRemoveCommand(f *Factory) *cobra.Command {
	opts := &removeOptions{IO: f.IO, Client: f.Client}
	cmd := &cobra.Command{
		Use:     "remove <name|id|token>...",
		Aliases: []string{"rm", "delete"},
		Short:   "Expire or delete tokens",
		Long: `Remove tokens by expiring them: they stop working at once and stay on record
for the audit trail. --delete removes them permanently instead: it asks first
on a terminal, and needs --yes when standard input is not one.

Servers older than v2.31 cannot expire tokens; there, use --delete.`,
		Example: `  coder tokens rm ci
  coder tokens rm WuoWs4ZsMX old-deploy another
  coder tokens rm --delete --yes ci`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Refs = args
			return runRemove(cmd.Context(), opts)
		},
		ValidArgsFunction: completeTokenNames(f),
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.User, "user", "u", "me", "User who owns the tokens (username or ID)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.BoolVar(&opts.Delete, "delete", false, "Delete permanently instead of expiring (removes the audit trail)")
	withEnv(fl, "delete", "CODER_TOKEN_DELETE")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	withEnv(fl, "yes", "CODER_YES")
	return cmd
}

func runRemove(ctx context.Context, opts *removeOptions) error {
	// Refuse before resolving anything: a script without --yes sends nothing.
	if opts.Delete && !opts.Yes && !opts.IO.CanPrompt() {
		_, err := requireConsent(opts.IO, false, "delete tokens permanently", "")
		return err
	}
	client, err := opts.Client()
	if err != nil {
		return err
	}
	// Resolve everything first, so a typo in the third name does not leave
	// the first two removed and the user guessing.
	// Every unresolved target is reported, not just the first.
	tokens := make([]sdk.APIKey, 0, len(opts.Refs))
	var unresolved []error
	for _, ref := range opts.Refs {
		token, err := resolveToken(ctx, client, opts.User, ref)
		if err != nil {
			unresolved = append(unresolved, err)
			continue
		}
		tokens = append(tokens, token)
	}
	switch {
	case len(unresolved) == 1:
		return unresolved[0]
	case len(unresolved) > 1:
		return fmt.Errorf("%d of %d tokens were not found, so none was removed: %w", len(unresolved), len(opts.Refs), errors.Join(unresolved...))
	}
	if opts.Delete {
		names := make([]string, len(tokens))
		for i, t := range tokens {
			names[i] = describeToken(t)
		}
		ok, err := requireConsent(opts.IO, opts.Yes, "delete tokens permanently",
			fmt.Sprintf("Permanently delete %s? This removes the audit trail.", strings.Join(names, ", ")))
		if err != nil {
			return err
		}
		if !ok {
			return withHint(usageErrorf("nothing was deleted"), "tokens can be expired instead, without --delete")
		}
	}

	var failures []error
	for _, t := range tokens {
		if err := removeOne(ctx, client, opts, t); err != nil {
			failures = append(failures, err)
			continue
		}
		verb := "expired"
		if opts.Delete {
			verb = "deleted"
		}
		fmt.Fprintf(opts.IO.ErrOut, "Token %s has been %s.\n", describeToken(t), verb)
	}
	switch len(failures) {
	case 0:
		return nil
	case 1:
		return failures[0]
	default:
		return fmt.Errorf("%d of %d tokens could not be removed: %w", len(failures), len(tokens), errors.Join(failures...))
	}
}

func removeOne(ctx context.Context, client *sdk.Client, opts *removeOptions, t sdk.APIKey) error {
	if opts.Delete {
		if err := client.DeleteToken(ctx, opts.User, t.ID); err != nil {
			return fmt.Errorf("cannot delete token %s: %w", describeToken(t), err)
		}
		return nil
	}
	err := client.ExpireToken(ctx, opts.User, t.ID)
	if expireUnsupported(err) {
		// Never fall back to a silent hard delete: that would destroy the audit trail.
		return withHint(fmt.Errorf("cannot expire token %s: this server has no expire endpoint (it predates v2.31)", describeToken(t)),
			"delete it permanently instead with --delete")
	}
	if err != nil {
		return fmt.Errorf("cannot expire token %s: %w", describeToken(t), err)
	}
	return nil
}

// expireUnsupported recognises a server without PUT …/expire: the route is
// unknown to it.
func expireUnsupported(err error) bool {
	var apiErr *sdk.Error
	return isRouteNotFound(err) || (errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusMethodNotAllowed)
}

func describeToken(t sdk.APIKey) string {
	if t.TokenName == "" {
		return safetext.Escape(t.ID)
	}
	return fmt.Sprintf("%q (%s)", t.TokenName, safetext.Escape(t.ID))
}
