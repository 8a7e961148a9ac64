package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newLoginTokenCommand is upstream's `coder login token` (like `gh auth
// token`): the session token in use, alone on stdout, for scripts.
func newLoginTokenCommand(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print the current session token",
		Long: `Print the session token for use in scripts and automation: the one every
other command would send, alone on standard output. With --profile, that
profile's. Nothing is printed on standard error on success.`,
		Example: `  CODER_SESSION_TOKEN=$(coder login token)
  coder --profile lab login token | vault kv put secret/coder token=-`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			creds, err := f.credentials()
			if err != nil {
				return err
			}
			if creds.token == "" {
				return withHint(&notLoggedInError{}, "no session token is stored for "+creds.url.Redacted()+"; run 'coder login'")
			}
			_, err = fmt.Fprintln(f.IO.Out, creds.token)
			return err
		},
	}
}
