package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
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
	// Its subcommands are in commandTree, built only when reached.
	return cmd
}

// keyIDPattern matches the 10-character ID part of a key; fullKeyPattern a
// whole `<id>-<secret>` key.
var (
	keyIDPattern   = lazyRegexp(`^[0-9A-Za-z]{10}$`)
	fullKeyPattern = lazyRegexp(`^[0-9A-Za-z]{10}-[0-9A-Za-z]{22}$`)
)

// resolveToken finds a token by name, ID or whole key. A whole key is never
// sent to the server as a name: only its public ID leaves this process, and
// a reference that merely contains something key-shaped is refused.
//
// The by-ID route ignores the user in its path, so a token found by ID is
// checked to belong to the user asked about: an owner's `rm <id>` with the
// default --user me must not remove someone else's token by accident.
func resolveToken(ctx context.Context, client *sdk.Client, user, ref string) (sdk.APIKey, error) {
	trimmed := strings.TrimSpace(ref)
	if fullKeyPattern().MatchString(trimmed) {
		id, _, _ := sdk.SplitToken(trimmed)
		key, err := client.TokenByID(ctx, user, id)
		if sdk.IsNotFound(err) {
			return sdk.APIKey{}, fmt.Errorf("no token with ID %q (taken from the key you gave) for user %q: %w", id, user, err)
		}
		if err != nil {
			return key, err
		}
		return key, checkOwner(ctx, client, user, key)
	}
	if sdk.Redact(ref) != ref {
		return sdk.APIKey{}, usageErrorf("the token reference contains a key (%s); give the token's name, its ID or the key alone", sdk.Redact(safetext.Escape(ref)))
	}
	key, err := client.TokenByName(ctx, user, ref)
	if err == nil || !sdk.IsNotFound(err) {
		return key, err
	}
	if !keyIDPattern().MatchString(trimmed) {
		return sdk.APIKey{}, withHint(fmt.Errorf("no token named %q for user %q: %w", ref, user, err),
			"list the tokens with 'coder tokens ls' (add --include-expired for expired ones)")
	}
	key, idErr := client.TokenByID(ctx, user, trimmed)
	if idErr == nil {
		return key, checkOwner(ctx, client, user, key)
	}
	if !sdk.IsNotFound(idErr) {
		return key, idErr
	}
	return sdk.APIKey{}, withHint(fmt.Errorf("no token named %q and no token with ID %q for user %q: %w", ref, trimmed, user, idErr),
		"list the tokens with 'coder tokens ls' (add --include-expired for expired ones)")
}

// checkOwner refuses a token found by ID that belongs to someone other than
// user. When user cannot be read (a scoped token without user:read), the
// check is skipped: such a caller cannot act on other users' tokens anyway.
func checkOwner(ctx context.Context, client *sdk.Client, user string, key sdk.APIKey) error {
	if key.UserID == uuid.Nil {
		return nil
	}
	target, err := client.User(ctx, user)
	if err != nil || target.ID == uuid.Nil || target.ID == key.UserID {
		return nil
	}
	owner := key.UserID.String()
	if u, err := client.User(ctx, owner); err == nil && u.Username != "" {
		owner = u.Username
	}
	who := fmt.Sprintf("user %q", user)
	if user == "me" {
		who = "you"
	}
	return withHint(usageErrorf("token %s belongs to %s, not %s; nothing was changed", safetext.Escape(key.ID), safetext.Escape(owner), who),
		fmt.Sprintf("to act on it, pass --user %s", safetext.Escape(owner)))
}
