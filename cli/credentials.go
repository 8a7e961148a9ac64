package cli

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"strings"

	"github.com/scopedtokens/coder/internal/credstore"
)

// tokenSource says where the session token came from, so errors can say which
// credential the server rejected and how to fix that one.
type tokenSource int

const (
	tokenNone tokenSource = iota
	tokenFromFlag
	tokenFromFileFlag
	tokenFromEnv
	tokenFromFileEnv
	tokenFromSessionFile
	tokenFromKeyring
)

type credentials struct {
	url         *url.URL
	token       string
	tokenSource tokenSource
	tokenPath   string // file the token was read from, when it was
	profile     string // stored profile the token came from, when it did
}

// store is the config directory's logins, with keyring storage chosen as
// upstream chooses it: on by default on macOS and Windows unless
// --global-config is set, off on Linux; --use-keyring turns it on anywhere
// with a keyring (the Secret Service on Linux).
func (f *Factory) store() *credstore.Store {
	if f.credStore != nil {
		return f.credStore
	}
	s := &credstore.Store{
		Dir:     string(f.dir),
		Keyring: &credstore.Keyring{Provider: f.keyringProvider, Timeout: f.keyringTimeout},
		Warn:    func(msg string) { fmt.Fprintln(f.IO.ErrOut, "warning: "+msg) },
	}
	if s.Keyring.Provider == nil {
		s.Keyring.Provider = credstore.SystemProvider()
	}
	s.UseKeyring = f.useKeyring()
	f.credStore = s
	return s
}

func (f *Factory) useKeyring() bool {
	explicit := f.sources["use-keyring"] == sourceFlag || f.sources["use-keyring"] == sourceEnv
	customDir := f.sources["global-config"] == sourceFlag || f.sources["global-config"] == sourceEnv
	if customDir {
		// Upstream: an IDE extension is probably driving the CLI with its
		// own directory, and expects the session file there.
		if explicit && f.global.useKeyring && f.sources["use-keyring"] == sourceFlag {
			fmt.Fprintln(f.IO.ErrOut, "warning: --use-keyring is ignored with --global-config or $CODER_CONFIG_DIR, as upstream does; the session file is used")
		}
		return false
	}
	if explicit {
		return f.global.useKeyring
	}
	return runtime.GOOS == "darwin" || runtime.GOOS == "windows"
}

// credentials resolves the deployment URL and session token:
// flag > environment > the stored login (url file, session file or
// keyring) > config.yaml. A stored session only ever goes to the deployment
// it was stored for.
func (f *Factory) credentials() (*credentials, error) {
	if f.creds != nil {
		return f.creds, nil
	}
	explicitURL := f.sources["url"] == sourceFlag || f.sources["url"] == sourceEnv
	explicitToken := false
	for _, name := range []string{"token", "token-file"} {
		if src := f.sources[name]; src == sourceFlag || src == sourceEnv {
			explicitToken = true
		}
	}
	var login *credstore.Login
	if !explicitURL || !explicitToken || f.global.profile != "" {
		var err error
		if login, err = f.loadLogin(f.global.profile); err != nil {
			return nil, err
		}
	}
	rawURL, urlFrom := f.global.url, f.urlFlagName()
	if !explicitURL || (f.global.profile != "" && f.sources["url"] != sourceFlag) {
		// An explicit --profile beats $CODER_URL: it names both halves.
		rawURL, urlFrom = login.URL, "the stored url of profile "+login.Profile
		if login.URL == "" && f.global.profile == "" {
			rawURL, urlFrom = f.global.url, "config.yaml" // may be empty
		}
	}
	if rawURL == "" {
		return nil, withHint(&notLoggedInError{}, "run 'coder login <url>', or set CODER_URL and CODER_SESSION_TOKEN")
	}
	u, err := parseDeploymentURL(rawURL)
	if err != nil {
		return nil, err
	}
	creds := &credentials{url: u}
	if explicitToken {
		if err := f.resolveToken(creds); err != nil {
			return nil, err
		}
	} else if login.Token != "" {
		if login, err = f.sessionFor(u, login, urlFrom); err != nil {
			return nil, err
		}
		creds.token, creds.profile, creds.tokenPath = login.Token, login.Profile, login.TokenPath
		creds.tokenSource = tokenFromSessionFile
		if login.Storage == credstore.StorageKeyring {
			creds.tokenSource = tokenFromKeyring
		}
		if mode, loose := f.dir.looseMode(sessionFileName); loose && login.Active && login.TokenPath != "" {
			fmt.Fprintf(f.IO.ErrOut, "warning: %s is readable by other users (mode %04o); run: chmod 600 %s\n",
				login.TokenPath, mode, login.TokenPath)
		}
	}
	warnPlaintext(f, u, creds.token)
	f.creds = creds
	return creds, nil
}

func (f *Factory) urlFlagName() string {
	if f.sources["url"] == sourceFlag {
		return "--url"
	}
	return "$CODER_URL"
}

// loadLogin reads a stored login, turning untrusted files and unknown
// profiles into usage errors that say how to fix them.
func (f *Factory) loadLogin(profile string) (*credstore.Login, error) {
	login, err := f.store().Load(profile)
	var untrusted *credstore.UntrustedError
	switch {
	case errors.As(err, &untrusted):
		return nil, withHint(asUsage(err), "fix it with: "+untrusted.Fix())
	case errors.Is(err, credstore.ErrNoProfile):
		return nil, withHint(asUsage(fmt.Errorf("%w (from %s)", err, f.profileFlagName())), "'coder profile list' shows the profiles; 'coder login --profile NAME <url>' adds one")
	case err != nil:
		return nil, err
	}
	return login, nil
}

func (f *Factory) profileFlagName() string {
	if f.sources["profile"] == sourceFlag {
		return "--profile"
	}
	return "$CODER_PROFILE"
}

// sessionFor returns the stored login whose session may go to u: the one
// given when its url has u's origin, else the one profile stored for that
// origin. Anything else is refused before a request is made.
func (f *Factory) sessionFor(u *url.URL, login *credstore.Login, urlFrom string) (*credstore.Login, error) {
	target := credstore.Origin(u)
	if stored, err := url.Parse(login.URL); err == nil && login.URL != "" && credstore.Origin(stored) == target {
		return login, nil
	}
	if f.global.profile == "" {
		if name, ok := f.store().FindByOrigin(u); ok {
			return f.loadLogin(name)
		}
	}
	where := "the session file " + login.TokenPath
	if login.Storage == credstore.StorageKeyring {
		where = "the OS keyring"
	}
	owner := "a deployment the config directory does not record (no url file)"
	if login.URL != "" {
		owner = login.URL
	}
	of := ""
	if login.Profile != "" {
		of = " of profile " + login.Profile
	}
	err := usageErrorf("the stored session%s (in %s) belongs to %s; it is not sent to %s from %s",
		of, where, owner, target, urlFrom)
	return nil, withHint(err, fmt.Sprintf("give a token for %s with --token-file or $CODER_SESSION_TOKEN, or run 'coder login --profile NAME %s'", target, target))
}

// warnPlaintext warns once when a token would cross the network unencrypted.
func warnPlaintext(f *Factory, u *url.URL, token string) {
	if f.plaintextWarned {
		return
	}
	f.plaintextWarned = true
	if u.Scheme != "http" || isLoopback(u.Hostname()) {
		return
	}
	what := "requests"
	if token != "" {
		what = "the session token"
	}
	fmt.Fprintf(f.IO.ErrOut, "warning: %s is plain http, so %s travel unencrypted to a host that is not this machine; use https://\n", u, what)
}

// isLoopback is true for names that can only mean this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// bareLoopback reports whether a URL typed without a scheme names exactly
// localhost, 127.0.0.1 or [::1] (with an optional port): only those get
// http://. localhost.example.com or 127.0.0.1.nip.io do not.
func bareLoopback(raw string) bool {
	hostport, _, _ := strings.Cut(raw, "/")
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else if strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]") {
		host = hostport[1 : len(hostport)-1]
	}
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return true
	}
	return false
}

func (f *Factory) resolveToken(creds *credentials) error {
	fromFile := func(path string, source tokenSource) error {
		token, err := readTokenFile(path, f.IO.In)
		if err != nil {
			return err
		}
		creds.token, creds.tokenSource, creds.tokenPath = token, source, path
		return nil
	}
	switch {
	case f.sources["token"] == sourceFlag:
		creds.token, creds.tokenSource = f.global.token, tokenFromFlag
	case f.sources["token-file"] == sourceFlag:
		return fromFile(f.global.tokenFile, tokenFromFileFlag)
	case f.sources["token"] == sourceEnv:
		creds.token, creds.tokenSource = f.global.token, tokenFromEnv
	case f.sources["token-file"] == sourceEnv:
		return fromFile(f.global.tokenFile, tokenFromFileEnv)
	}
	return nil
}

// profileArg is the --profile argument that names a stored login in a
// suggested command; empty for the default profile.
func profileArg(profile string) string {
	if profile == "" || profile == credstore.DefaultProfile {
		return ""
	}
	return " --profile " + profile
}
