package cli

import (
	"context"
	"fmt"
	"net/url"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/credstore"
	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

type logoutOptions struct {
	IO        *IOStreams
	NewClient func(u *url.URL, token string) *sdk.Client
	Store     func() *credstore.Store
	Profile   string // --profile / CODER_PROFILE; "" is the active login

	Yes bool
}

func newLogoutCommand(f *Factory) *cobra.Command {
	// Ending the session server-side is a courtesy; someone logging out of a
	// deployment that is down should not wait for retries first.
	noRetries := func(u *url.URL, token string) *sdk.Client {
		cfg := f.clientConfig(u, token)
		cfg.MaxRetries = -1
		return sdk.New(cfg)
	}
	opts := &logoutOptions{IO: f.IO, NewClient: noRetries, Store: f.store}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Log out and forget the stored session",
		Long: `End the stored session on the server and delete the url and session files
from the config directory. Asks first on a terminal; needs --yes when standard
input is not one.
$CODER_SESSION_TOKEN and API tokens are not touched.`,
		Example: `  coder logout
  coder logout --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Profile = f.global.profile
			return runLogout(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "Do not ask for confirmation")
	withEnv(cmd.Flags(), "yes", "CODER_YES")
	return cmd
}

func runLogout(ctx context.Context, opts *logoutOptions) error {
	store := opts.Store()
	login, err := store.Load(opts.Profile)
	if err != nil {
		return storeError(err)
	}
	rawURL, token := login.URL, login.Token
	if rawURL == "" && token == "" {
		fmt.Fprintln(opts.IO.ErrOut, "You are not logged in.")
		return nil
	}
	ok, err := requireConsent(opts.IO, opts.Yes, "log out", fmt.Sprintf("Log out of %s?", safetext.Escape(redactRawURL(rawURL))))
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintln(opts.IO.ErrOut, "Still logged in.")
		return nil
	}
	// Ending the session server-side is a courtesy: the local files go either way.
	if u, err := parseDeploymentURL(rawURL); err == nil && token != "" {
		endServerSession(ctx, opts, opts.NewClient(u, token), token)
	}
	if _, err := store.Remove(login.Profile); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.ErrOut, "Logged out of %s.\n", safetext.Escape(redactRawURL(rawURL)))
	return nil
}

// endServerSession ends the stored session on the server, unless the stored
// token is an API token: POST /users/logout deletes whatever key made the
// call, and a token someone pasted into `coder login` may be in use elsewhere.
func endServerSession(ctx context.Context, opts *logoutOptions, client *sdk.Client, token string) {
	warn := func(err error) {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the server did not end the session (%v); it expires on its own\n", safetext.Escape(err.Error()))
	}
	if id, _, ok := sdk.SplitToken(token); ok {
		key, err := client.TokenByID(ctx, "me", id)
		switch {
		case sdk.IsUnauthorized(err):
			return // already ended or expired
		case err == nil && key.LoginType == "token":
			fmt.Fprintf(opts.IO.ErrOut, "The stored session is the API token %s; it stays valid. Remove it with: coder tokens rm %s\n", id, id)
			return
		case err != nil && !sdk.IsNotFound(err) && !sdk.IsForbidden(err):
			warn(err)
			return
		}
	}
	if err := client.Logout(ctx); err != nil && !sdk.IsUnauthorized(err) {
		warn(err)
	}
}
