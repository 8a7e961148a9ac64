package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/credstore"
	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

type loginOptions struct {
	IO        *IOStreams
	NewClient func(u *url.URL, token string) *sdk.Client
	Store     func() *credstore.Store
	Warn      func(u *url.URL)

	URLArg      string
	URL         string // --url / CODER_URL
	Token       string // --token / CODER_SESSION_TOKEN
	TokenSource string // which of the two Token came from, for errors
	TokenFile   string // --token-file / CODER_SESSION_TOKEN_FILE
	Email       string
	Profile     string // --profile / CODER_PROFILE: the stored login to write
	NoOpen      bool

	HasDisplay  func() bool
	OpenBrowser func(url string) error // nil: never open one
}

func newLoginCommand(f *Factory) *cobra.Command {
	opts := &loginOptions{IO: f.IO, NewClient: f.newClient, Store: f.store,
		Warn:        func(u *url.URL) { warnPlaintext(f, u, "token") },
		HasDisplay:  func() bool { return hasDisplay(f.Getenv) },
		OpenBrowser: f.openBrowser,
	}
	cmd := &cobra.Command{
		Use:   "login [url]",
		Short: "Log in to a Coder deployment",
		Long: `Log in to a Coder deployment and store the session in the config directory
(url and session files, mode 0600), where the upstream coder CLI finds it too.

The session token comes from, in order: --token, --token-file, $CODER_SESSION_TOKEN,
$CODER_SESSION_TOKEN_FILE, standard input when it is not a terminal, or a hidden
prompt. With --email, coder logs in with a password instead (prompted on a
terminal, else read from standard input). The token is checked with the server
before anything is saved.`,
		Example: `  # Interactive: paste a token from https://coder.example.com/cli-auth
  coder login https://coder.example.com

  # Scripted: the token from a secret store, never in argv
  vault read -field=token secret/coder | coder login https://coder.example.com

  # Password login
  coder login https://coder.example.com --email alice@example.com`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.URLArg = args[0]
			}
			opts.URL = f.global.url
			opts.Profile = f.global.profile
			opts.chooseTokenSource(f)
			return runLogin(cmd.Context(), opts)
		},
	}
	cmd.AddCommand(newLoginTokenCommand(f))
	cmd.Flags().BoolVar(&opts.NoOpen, "no-open", false, "Do not open <url>/cli-auth in a browser; just say where to get a token")
	withEnv(cmd.Flags(), "no-open", "CODER_NO_OPEN")
	cmd.Flags().StringVar(&opts.Email, "email", "", "Log in with this email and a password instead of a token")
	withEnv(cmd.Flags(), "email", "CODER_EMAIL")
	return cmd
}

// chooseTokenSource keeps only the token source every other command would
// use: --token > --token-file > $CODER_SESSION_TOKEN > $CODER_SESSION_TOKEN_FILE.
func (opts *loginOptions) chooseTokenSource(f *Factory) {
	switch {
	case f.sources["token"] == sourceFlag:
		opts.Token, opts.TokenSource = f.global.token, "--token"
	case f.sources["token-file"] == sourceFlag:
		opts.TokenFile = f.global.tokenFile
	case f.sources["token"] == sourceEnv:
		opts.Token, opts.TokenSource = f.global.token, "$CODER_SESSION_TOKEN"
	case f.sources["token-file"] == sourceEnv:
		opts.TokenFile = f.global.tokenFile
	}
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	rawURL := opts.URLArg
	if rawURL == "" {
		rawURL = opts.URL
	}
	store := opts.Store()
	if err := store.CheckTrusted(); err != nil {
		return storeError(err)
	}
	if rawURL == "" {
		stored, err := store.Load(opts.Profile)
		if err != nil {
			return storeError(err)
		}
		rawURL = stored.URL
	}
	if rawURL == "" {
		return withHint(usageErrorf("no deployment URL given"), "usage: coder login <url>, e.g. coder login https://coder.example.com")
	}
	u, err := parseDeploymentURL(rawURL)
	if err != nil {
		return err
	}
	opts.Warn(u)
	if err := checkDeployment(ctx, opts, u); err != nil {
		return err
	}

	var token, source string
	var user sdk.User
	for attempt := 0; ; attempt++ {
		if token, source, err = loginToken(ctx, opts, u, attempt); err != nil {
			return err
		}
		if user, err = opts.NewClient(u, token).User(ctx, "me"); err == nil {
			break
		}
		if source == "the prompt" && sdk.IsUnauthorized(err) && attempt+1 < maxTokenPrompts {
			rejectedTokenNotice(opts, u, err, attempt+1)
			continue
		}
		err = fmt.Errorf("the session token from %s was not accepted by %s: %w", source, u, err)
		if sdk.IsUnauthorized(err) {
			// Never "run coder login": that is what just failed.
			return withHint(err, fmt.Sprintf("nothing was saved; get a new token at %s/cli-auth and try again", u.Redacted()))
		}
		return err
	}
	saved, err := store.Save(opts.Profile, u, token, user.Username)
	if err != nil {
		return fmt.Errorf("logged in to %s as %s, but %w", u.Redacted(), safetext.Escape(user.Username), err)
	}
	where := saved.TokenPath
	if saved.Storage == credstore.StorageKeyring {
		where = "the OS keyring (" + credstore.KeyringService + ")"
	}
	profile := ""
	if saved.Profile != credstore.DefaultProfile {
		profile = " (profile " + saved.Profile + ")"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Logged in to %s as %s%s. The session is stored in %s.\n", u.Redacted(), safetext.Escape(user.Username), profile, where)
	return nil
}

// loginToken obtains the session token from the first source that has one,
// and names that source for error messages.
func loginToken(ctx context.Context, opts *loginOptions, u *url.URL, attempt int) (token, source string, err error) {
	switch {
	case opts.Email != "":
		if opts.Token != "" || opts.TokenFile != "" {
			return "", "", usageErrorf("--email cannot be combined with a session token; use one or the other")
		}
		password, err := loginPassword(opts)
		if err != nil {
			return "", "", err
		}
		resp, err := opts.NewClient(u, "").Login(ctx, opts.Email, password)
		if err != nil {
			err = fmt.Errorf("cannot log in as %s: %w", opts.Email, err)
			if sdk.IsUnauthorized(err) {
				return "", "", withHint(err, "check the email and password; nothing was saved")
			}
			return "", "", err
		}
		return resp.SessionToken, "the password login", nil
	case opts.Token != "":
		return opts.Token, opts.TokenSource, nil
	case opts.TokenFile != "":
		token, err := readTokenFile(opts.TokenFile, opts.IO.In)
		return token, tokenFileLabel(opts.TokenFile), err
	case !opts.IO.IsStdinTTY():
		token, err := readTokenFile("-", opts.IO.In)
		return token, "standard input", err
	}
	if attempt == 0 {
		offerBrowser(opts, u)
	}
	token, err = opts.IO.promptSecret("Paste your token here")
	if err != nil {
		return "", "", err
	}
	if token == "" {
		return "", "", usageErrorf("no session token given")
	}
	return token, "the prompt", nil
}

func tokenFileLabel(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

func loginPassword(opts *loginOptions) (string, error) {
	if opts.IO.IsStdinTTY() {
		return opts.IO.promptSecret("Password for " + opts.Email)
	}
	data, err := io.ReadAll(io.LimitReader(opts.IO.In, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	password := strings.TrimRight(string(data), "\r\n")
	if password == "" {
		return "", usageErrorf("--email needs a password on standard input when it is not a terminal")
	}
	return password, nil
}
