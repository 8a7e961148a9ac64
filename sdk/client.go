package sdk

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
)

// SessionTokenHeader is the only place the SDK ever puts the session token. Query
// parameters end up in proxy logs, and a cookie would shadow the header on the server.
const SessionTokenHeader = "Coder-Session-Token"

const (
	apiBasePath         = "/api/v2"
	defaultUserAgent    = "coder-tokens-sdk"
	defaultTimeout      = 30 * time.Second
	defaultMaxRetries   = 3
	defaultRetryWaitMin = 250 * time.Millisecond
	defaultRetryWaitMax = 5 * time.Second
	maxRedirects        = 10
	// responseBodyLimit bounds memory for a misbehaving server; real answers are tiny.
	responseBodyLimit = 16 << 20
)

// Config configures a Client. Zero values select the documented defaults.
type Config struct {
	URL          *url.URL          // deployment base URL (without /api/v2)
	SessionToken string            // sent only as the Coder-Session-Token header; "" sends none
	UserAgent    string            // default "coder-tokens-sdk"
	Header       http.Header       // extra headers added to every request
	Timeout      time.Duration     // per attempt; default 30s; negative disables it
	MaxRetries   int               // retries after the first attempt of a retryable request; default 3; <0 = none
	RetryWaitMin time.Duration     // first backoff; default 250ms
	RetryWaitMax time.Duration     // backoff cap and Retry-After cap; default 5s
	Debug        io.Writer         // if set, a redacted log of each request and response
	Transport    http.RoundTripper // optional; default a clone of http.DefaultTransport
}

// Client calls the token endpoints of one Coder deployment. It is safe for concurrent use.
type Client struct {
	url     *url.URL
	baseURL string // url + /api/v2, without trailing slash
	secrets []string
	rest    *resty.Client
	// streamRest serves streamed answers; stallTimeout bounds each wait for their data.
	streamRest   *resty.Client
	stallTimeout time.Duration
	// The retry policy, for the streamed list, which retries a body cut short itself.
	maxRetries                 int
	retryWaitMin, retryWaitMax time.Duration
}

// New returns a Client for cfg. It never fails; a missing URL surfaces on the first call.
func New(cfg Config) *Client {
	cfg = withDefaults(cfg)
	c := &Client{secrets: append(secretsOf(cfg.SessionToken), headerSecrets(cfg.Header)...), maxRetries: cfg.MaxRetries,
		retryWaitMin: cfg.RetryWaitMin, retryWaitMax: cfg.RetryWaitMax}
	if cfg.URL != nil {
		u := *cfg.URL
		c.url = &u
		c.baseURL = strings.TrimRight(u.String(), "/") + apiBasePath
	}

	transport := cfg.Transport
	if transport == nil {
		std := http.DefaultTransport.(*http.Transport).Clone()
		// As http.DefaultTransport dials, plus at most one quick retry of a refused
		// connection (resty's backoff, meant for overloaded servers, skips those).
		dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		std.DialContext = retryRefused(dialer.DialContext, min(cfg.MaxRetries, 1), refusedRetryWait)
		transport = std
	}
	if cfg.Debug != nil {
		transport = newDebugTransport(transport, cfg.Debug, c.secrets)
	}
	userHeaders := make([]string, 0, len(cfg.Header))
	for name := range cfg.Header {
		userHeaders = append(userHeaders, name)
	}
	httpClient := &http.Client{
		Transport:     transport,
		CheckRedirect: redirectPolicy{userHeaders: userHeaders}.check,
		// No cookie jar: resty.New would install one, and a stored coder_session_token
		// cookie (servers set it on login) would be sent and win over the header.
		Jar: nil,
	}
	// The streamed list gets its own client without the overall time limit: a big
	// list on a slow link may take longer than --timeout to arrive, so there the
	// limit bounds each wait for data instead (see stallTimer).
	streamHTTP := *httpClient
	if cfg.Timeout > 0 {
		httpClient.Timeout = cfg.Timeout // per attempt, including reading the body
		c.stallTimeout = cfg.Timeout
	}
	c.rest = newRestClient(httpClient, c.baseURL, cfg)
	c.streamRest = newRestClient(&streamHTTP, c.baseURL, cfg)
	return c
}

func newRestClient(httpClient *http.Client, baseURL string, cfg Config) *resty.Client {
	rest := resty.NewWithClient(httpClient).
		SetBaseURL(baseURL).
		SetLogger(silentLogger{}).
		SetDisableWarn(true).
		SetResponseBodyLimit(responseBodyLimit).
		SetHeader("Accept", "application/json").
		SetHeader("User-Agent", cfg.UserAgent)
	if cfg.SessionToken != "" {
		rest.SetHeader(SessionTokenHeader, cfg.SessionToken)
	}
	for name, values := range cfg.Header {
		for _, v := range values {
			rest.Header.Add(name, v) // added, not set, like upstream --header
		}
	}
	// resty retries whatever its conditions allow for every method once RetryCount > 0;
	// each request installs the only condition (see send), which gates on the call.
	if cfg.MaxRetries > 0 {
		waitMin, waitMax := cfg.RetryWaitMin, cfg.RetryWaitMax
		rest.SetRetryCount(cfg.MaxRetries).
			SetRetryWaitTime(waitMin).
			SetRetryMaxWaitTime(waitMax).
			SetRetryAfter(func(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
				return retryDelay(resp.Request.Attempt, resp.Header().Get("Retry-After"), time.Now(), waitMin, waitMax, randomJitter), nil
			})
	}
	return rest
}

func withDefaults(cfg Config) Config {
	if cfg.UserAgent == "" {
		cfg.UserAgent = defaultUserAgent
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	switch {
	case cfg.MaxRetries == 0:
		cfg.MaxRetries = defaultMaxRetries
	case cfg.MaxRetries < 0:
		cfg.MaxRetries = 0
	}
	if cfg.RetryWaitMin <= 0 {
		cfg.RetryWaitMin = defaultRetryWaitMin
	}
	if cfg.RetryWaitMax <= 0 {
		cfg.RetryWaitMax = defaultRetryWaitMax
	}
	if cfg.RetryWaitMax < cfg.RetryWaitMin {
		cfg.RetryWaitMax = cfg.RetryWaitMin
	}
	return cfg
}

// URL returns a copy of the deployment base URL (nil if none was configured).
func (c *Client) URL() *url.URL {
	if c.url == nil {
		return nil
	}
	u := *c.url
	return &u
}

// silentLogger keeps resty from writing warnings and retry notes to stderr; the CLI
// owns the terminal and Config.Debug carries the request log.
type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}
