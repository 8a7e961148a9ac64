package cli

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

type tokenConfigOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)

	User   string
	Output *outputFlags
}

func newTokenConfigCommand(f *Factory) *cobra.Command {
	opts := &tokenConfigOptions{IO: f.IO, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "tokenconfig",
		Short: "Show the longest lifetime a token may have",
		Long: `Show the maximum token lifetime for a user and which server setting caps it.

The cap depends on the user the token is for: owners get
CODER_MAX_ADMIN_TOKEN_LIFETIME (7d by default), everyone else
CODER_MAX_TOKEN_LIFETIME (100y by default).`,
		Example: `  coder tokenconfig
  coder tokenconfig --user alice -o json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTokenConfig(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.User, "user", "u", "me", "User the tokens would be for (username or ID)")
	withEnv(cmd.Flags(), "user", "CODER_TOKEN_USER")
	opts.Output = addOutputFlag(cmd, "text", "json")
	return cmd
}

type tokenConfigReport struct {
	User             string        `json:"user"`
	MaxTokenLifetime time.Duration `json:"max_token_lifetime"` // nanoseconds, as on the wire
	MaxLifetime      string        `json:"max_lifetime"`
	Cap              string        `json:"cap"` // "owner" or "member"
	ServerSetting    string        `json:"server_setting"`
}

func runTokenConfig(ctx context.Context, opts *tokenConfigOptions) error {
	client, err := opts.Client()
	if err != nil {
		return err
	}
	var (
		wg      sync.WaitGroup
		cfg     sdk.TokenConfig
		user    sdk.User
		userErr error
	)
	wg.Go(func() { user, userErr = client.User(ctx, opts.User) })
	cfg, err = client.TokenConfig(ctx, opts.User)
	wg.Wait()
	if err != nil {
		err = fmt.Errorf("cannot read the token config: %w", err)
		if sdk.IsNotFound(err) && opts.User != "me" {
			return withHint(err, fmt.Sprintf("check the user %q; only owners can see other users' settings", opts.User))
		}
		return err
	}
	if userErr != nil {
		return fmt.Errorf("cannot read user %q: %w", opts.User, userErr)
	}
	if cfg.MaxTokenLifetime <= 0 {
		// Never print "may live up to 0s": the answer lacked the one field shown.
		return missingField("the token config", "max_token_lifetime")
	}
	report := tokenConfigReport{
		User:             user.Username,
		MaxTokenLifetime: cfg.MaxTokenLifetime,
		MaxLifetime:      formatLimit(cfg.MaxTokenLifetime),
		Cap:              "member",
		ServerSetting:    "CODER_MAX_TOKEN_LIFETIME",
	}
	if user.IsOwner() {
		report.Cap, report.ServerSetting = "owner", "CODER_MAX_ADMIN_TOKEN_LIFETIME"
	}
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, report)
	}
	_, err = fmt.Fprintf(opts.IO.Out, "Tokens for %s may live up to %s (%s, the %s maximum, set by %s on the server).\n",
		safetext.Escape(report.User), report.MaxLifetime, settingValue(cfg.MaxTokenLifetime), report.Cap, report.ServerSetting)
	return err
}

// settingValue writes a duration the way server operators set it
// (876600h, not 876600h0m0s), so it can be matched against their config.
func settingValue(d time.Duration) string {
	if d > 0 && d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}
