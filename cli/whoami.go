package cli

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

type whoamiOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	// Session is the token in use, to look up when it expires.
	Session func() string
	Now     func() time.Time

	Output *outputFlags
}

func newWhoamiCommand(f *Factory) *cobra.Command {
	opts := &whoamiOptions{IO: f.IO, Client: f.Client, Now: f.Now, Session: func() string {
		if creds, err := f.credentials(); err == nil {
			return creds.token
		}
		return ""
	}}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show who you are logged in as, and where",
		Example: `  coder whoami
  coder whoami -o json | jq -r .user.username`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runWhoami(cmd.Context(), opts)
		},
	}
	opts.Output = addOutputFlag(cmd, "text", "json")
	return cmd
}

type whoamiReport struct {
	URL           string   `json:"url"`
	ServerVersion string   `json:"server_version"`
	User          sdk.User `json:"user"`
	// SessionExpiresAt is when the session token in use expires, when the
	// server lets it read its own key.
	SessionExpiresAt *time.Time `json:"session_expires_at,omitempty"`
}

func runWhoami(ctx context.Context, opts *whoamiOptions) error {
	client, err := opts.Client()
	if err != nil {
		return err
	}
	var (
		wg      sync.WaitGroup
		info    sdk.BuildInfo
		infoErr error
	)
	wg.Go(func() { info, infoErr = client.BuildInfo(ctx) })
	var session *sdk.APIKey
	if id, _, ok := sdk.SplitToken(opts.Session()); ok {
		// Best effort: a scoped token may not read its own key.
		wg.Go(func() {
			if key, err := client.TokenByID(ctx, "me", id); err == nil && !key.ExpiresAt.IsZero() {
				session = &key
			}
		})
	}
	user, err := client.User(ctx, "me")
	wg.Wait()
	if err != nil {
		err = fmt.Errorf("cannot read your user: %w", err)
		if sdk.IsNotFound(err) && !isRouteNotFound(err) {
			// The server hides users a scoped token may not read behind a 404.
			return withExitCode(withHint(err, "the session token is probably scoped without user:read, which whoami needs; "+
				"the token still works for what its scopes allow"), exitAuth)
		}
		return err
	}
	if infoErr != nil {
		return fmt.Errorf("cannot read the server version: %w", infoErr)
	}
	report := whoamiReport{URL: client.URL().Redacted(), ServerVersion: info.Version, User: user}
	var left time.Duration
	if session != nil {
		report.SessionExpiresAt = &session.ExpiresAt
		left = session.ExpiresAt.Sub(opts.Now()).Round(time.Minute)
		if expiresSoon(*session, left) {
			fmt.Fprintf(opts.IO.ErrOut, "warning: the session in use expires in %s (%s); get a new one before then, %s\n",
				lifetime.Format(max(left, time.Minute)), session.ExpiresAt.UTC().Format(time.RFC3339), renewAdvice(*session))
		}
	}
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, report)
	}
	roles := make([]string, 0, len(user.Roles))
	for _, r := range user.Roles {
		roles = append(roles, r.Name)
	}
	if len(roles) == 0 {
		roles = append(roles, "member")
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "%s (%s) on %s\n", safetext.Escape(user.Username), safetext.Escape(user.Email), safetext.Escape(report.URL))
	fmt.Fprintf(w, "roles:  %s\n", safetext.Escape(strings.Join(roles, ", ")))
	if session != nil {
		fmt.Fprintf(w, "session: expires %s (in %s)\n", session.ExpiresAt.UTC().Format(time.RFC3339), lifetime.Format(max(left, time.Minute)))
	}
	_, err = fmt.Fprintf(w, "server: %s\n", safetext.Escape(info.Version))
	return err
}

// expiresSoon reports whether the session in use is near its end: within a
// day, and with at most a quarter of its own lifetime left. A 15-minute CI
// token, or the one `tokens exec` hands a command, is short-lived by design,
// not about to lapse unnoticed.
func expiresSoon(session sdk.APIKey, left time.Duration) bool {
	if left >= 24*time.Hour {
		return false
	}
	life := time.Duration(session.LifetimeSeconds) * time.Second
	return life <= 0 || left*4 <= life
}

// renewAdvice says how to replace the session: an API token gets a
// successor (minted by a session that may mint, which a scoped token often
// may not), a login session comes from logging in again.
func renewAdvice(session sdk.APIKey) string {
	if session.LoginType == "token" && session.TokenName != "" {
		return "e.g. with 'coder tokens rotate " + safetext.Escape(session.TokenName) + "' from your login session"
	}
	return "e.g. with 'coder login'"
}
