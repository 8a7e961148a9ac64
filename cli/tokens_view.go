package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/sdk"
)

type viewOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	Ref     string
	User    string
	Output  *outputFlags
	Columns *columnsValue
	Table   *tableFlags
}

func newTokensViewCommand(f *Factory) *cobra.Command {
	opts := &viewOptions{IO: f.IO, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "view <name|id|token>",
		Short: "Display detailed information about a token",
		Long: `Show one token, found by name, then by ID. A whole key (<id>-<secret>) works
too: only its ID is sent to the server.`,
		Example: `  coder tokens view ci
  coder tokens view WuoWs4ZsMX -o json
  coder tokens view deploy --user alice`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			return runView(cmd.Context(), opts)
		},
		ValidArgsFunction: completeTokenNames(f),
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.User, "user", "u", "me", "User who owns the token (username or ID)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	opts.Output = addOutputFlag(cmd, "table", "json")
	opts.Columns = addColumnsFlag(cmd)
	opts.Table = addTableFlags(cmd)
	return cmd
}

func runView(ctx context.Context, opts *viewOptions) error {
	client, err := opts.Client()
	if err != nil {
		return err
	}
	token, err := resolveToken(ctx, client, opts.User, opts.Ref)
	if err != nil {
		return err
	}
	if token.ID == "" {
		return missingField("the token", "id")
	}
	if opts.Output.String() == "json" {
		// A one-element array, as upstream prints, so `jq '.[0]'` scripts work.
		return opts.Output.writeJSON(opts.IO, []sdk.APIKey{token})
	}
	return writeTokenTable(opts.IO, opts.Table, opts.Now(), opts.Columns.orDefault(false), []sdk.APIKeyWithOwner{{APIKey: token}})
}
