package cli

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"syscall"

	"github.com/scopedtokens/coder/sdk"
)

// readTokenFile reads a token from path, or from stdin when path is "-".
func readTokenFile(path string, stdin io.Reader) (string, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, 64<<10))
		path = "standard input"
	} else {
		data, err = readSmallFile(path, smallFileLimit)
	}
	if err != nil {
		return "", usageErrorf("cannot read the session token: %w", err)
	}
	token := strings.TrimSpace(string(data))
	if token == "" {
		return "", usageErrorf("no session token in %s", path)
	}
	return token, nil
}

// parseDeploymentURL accepts what people type: a bare host gets https://
// (http:// for exactly localhost, 127.0.0.1 and [::1]), like upstream
// `coder login` but without trusting names that merely start with those.
func parseDeploymentURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		if bareLoopback(raw) {
			raw = "http://" + raw
		} else {
			raw = "https://" + raw
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usageErrorf("invalid deployment URL %q: want e.g. https://coder.example.com", redactRawURL(raw))
	}
	if err := checkURLShape(u); err != nil {
		return nil, err
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// Client returns the SDK client for the resolved deployment and token.
func (f *Factory) Client() (*sdk.Client, error) {
	if f.client != nil {
		return f.client, nil
	}
	creds, err := f.credentials()
	if err != nil {
		return nil, err
	}
	f.client = f.newClient(creds.url, creds.token)
	return f.client, nil
}

// newClient builds a client for an explicit URL and token (login uses it
// before anything is saved).
func (f *Factory) newClient(u *url.URL, token string) *sdk.Client {
	return sdk.New(f.clientConfig(u, token))
}

// clientConfig is the SDK configuration every command shares; a command may
// adjust it (logout turns retries off) before building its client.
func (f *Factory) clientConfig(u *url.URL, token string) sdk.Config {
	header, _ := parseHeaders(f.global.headers) // validated in prepare
	cfg := sdk.Config{
		URL:          u,
		SessionToken: token,
		UserAgent:    fmt.Sprintf("coder-tokens/%s (%s/%s; %s)", version, runtime.GOOS, runtime.GOARCH, f.command),
		Header:       header,
		Timeout:      f.global.timeout,
	}
	if f.global.verbose {
		cfg.Debug = f.IO.ErrOut
	}
	cfg.MaxRetries = f.global.retries
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = -1 // the SDK's 0 means its default
	}
	return cfg
}

// settingName names a setting the way the user gave it, for error messages.
func settingName(src valueSource, flag, env string) string {
	switch src {
	case sourceEnv:
		return "$" + env
	case sourceConfigFile:
		return "config.yaml: " + flag
	}
	return "--" + flag
}

// hintFor suggests a fix for errors whose cause depends on where the
// credentials came from.
func (f *Factory) hintFor(err error) string {
	var hinted *hintedError
	if errors.As(err, &hinted) {
		return hinted.hint
	}
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		switch {
		case errors.Is(err, syscall.ECONNREFUSED):
			return "nothing is listening there; check the deployment URL (--url, $CODER_URL or the url file) and that the server is up"
		case sdk.IsTimeout(err):
			return "the server did not answer in time; --timeout raises the limit (now " + f.global.timeout.String() + "), -v shows the requests"
		case exitCode(err) == exitServer:
			return "check the deployment URL and your network; --timeout raises the time limit, -v shows the requests"
		}
		return ""
	}
	switch apiErr.StatusCode {
	case http.StatusUnauthorized:
		if f.creds == nil {
			return "run 'coder login <url>'"
		}
		verdict := "was rejected"
		if strings.Contains(apiErr.Detail, "expired") {
			verdict = "has expired"
		}
		switch f.creds.tokenSource {
		case tokenFromFlag:
			return fmt.Sprintf("the session token given with --token %s; pass a valid one", verdict)
		case tokenFromFileFlag:
			return fmt.Sprintf("the session token read from %s (--token-file) %s; replace it with a valid one", tokenFileLabel(f.creds.tokenPath), verdict)
		case tokenFromFileEnv:
			return fmt.Sprintf("the session token read from %s ($CODER_SESSION_TOKEN_FILE) %s; replace it, or unset the variable to use the stored session", f.creds.tokenPath, verdict)
		case tokenFromEnv:
			// Not "coder login": the variable would still win over a new session.
			return fmt.Sprintf("the session token in $CODER_SESSION_TOKEN %s; set it to a valid token, or unset it to use the stored session", verdict)
		case tokenFromSessionFile, tokenFromKeyring:
			return fmt.Sprintf("your stored session %s; log in again with 'coder login%s'", verdict, profileArg(f.creds.profile))
		default:
			return "no session token is set; run 'coder login <url>' or set CODER_SESSION_TOKEN"
		}
	case http.StatusForbidden:
		return "your roles, or the scopes of the session token, do not allow this"
	case http.StatusNotFound:
		if isRouteNotFound(err) {
			return "the server does not serve this API path; check the deployment URL (--url, $CODER_URL or the url file)"
		}
	case http.StatusTooManyRequests:
		return "the server is rate limiting requests; wait a minute and try again"
	}
	// The SDK's 401 helper says "coder login" whatever the token source; the
	// others (an HTML page instead of JSON) are worth passing on.
	if apiErr.Helper != "" && apiErr.StatusCode != http.StatusUnauthorized {
		return apiErr.Helper
	}
	if apiErr.StatusCode >= 500 {
		return "the server, or a proxy in front of it, failed; try again shortly (-v shows the exchange)"
	}
	return ""
}
