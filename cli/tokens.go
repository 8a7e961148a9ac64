package cli

import (
	"context"
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/sdk"
)

func newTokensCommand(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "tokens",
		Aliases: []string{"token"},
		Short:   "Manage personal access tokens",
		Long:    "Tokens authenticate automated clients to Coder. Each can be limited by scopes\n(what it may do), an allow list (which objects) and a lifetime.",
		Example: `  # Mint a token for automation (the key alone goes to stdout)
  coder tokens create --name ci --lifetime 1h

  # Mint a read-only token for one workspace, and see first what it could do
  coder tokens create --scope workspace:read --allow workspace:<uuid> --dry-run

  # List your tokens, then remove one by name or ID
  coder tokens ls
  coder tokens rm ci`,
		Args: noArgsOrSuggest,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newTokensCreateCommand(f),
		newTokensExecCommand(f),
		newTokensRotateCommand(f),
		newTokensListCommand(f),
		newTokensViewCommand(f),
		newTokensRemoveCommand(f),
		newTokensPruneCommand(f),
		newTokensScopesCommand(f),
		newTokensCheckCommand(f),
	)
	return cmd
}

// keyIDPattern matches the 10-character ID part of a key; fullKeyPattern a
// whole `<id>-<secret>` key.
var (
	keyIDPattern   = regexp.MustCompile(`^[0-9A-Za-z]{10}$`)
	fullKeyPattern = regexp.MustCompile(`^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$`)
)

// resolveToken finds a token by name, ID or whole key. A whole key is never
// sent to the server as a name: only its public ID leaves this process.
func resolveToken(ctx context.Context, client *sdk.Client, user, ref string) (sdk.APIKey, error) {
	if fullKeyPattern.MatchString(ref) {
		id, _, _ := sdk.SplitToken(ref)
		key, err := client.TokenByID(ctx, user, id)
		if sdk.IsNotFound(err) {
			return sdk.APIKey{}, fmt.Errorf("no token with ID %q (taken from the key you gave) for user %q: %w", id, user, err)
		}
		return key, err
	}
	key, err := client.TokenByName(ctx, user, ref)
	if err == nil || !sdk.IsNotFound(err) {
		return key, err
	}
	if !keyIDPattern.MatchString(ref) {
		return sdk.APIKey{}, withHint(fmt.Errorf("no token named %q for user %q: %w", ref, user, err),
			"list the tokens with 'coder tokens ls' (add --include-expired for expired ones)")
	}
	key, idErr := client.TokenByID(ctx, user, ref)
	if idErr == nil || !sdk.IsNotFound(idErr) {
		return key, idErr
	}
	return sdk.APIKey{}, withHint(fmt.Errorf("no token named %q and no token with ID %q for user %q: %w", ref, ref, user, idErr),
		"list the tokens with 'coder tokens ls' (add --include-expired for expired ones)")
}
