package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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

// call describes one API request.
type call struct {
	method string
	path   string            // below /api/v2, with {placeholders}
	params map[string]string // placeholder values; resty escapes them with url.PathEscape
	query  url.Values
	body   any // JSON-encoded when non-nil
	// retryable marks requests that are safe to repeat. POST never is: a retried
	// create could mint a second token.
	retryable bool
	success   func(status int) bool
	secrets   []string // call-specific strings to keep out of errors (e.g. a password)
}

func statusIs(codes ...int) func(int) bool {
	return func(status int) bool {
		for _, c := range codes {
			if status == c {
				return true
			}
		}
		return false
	}
}

func any2xx(status int) bool { return status >= 200 && status <= 299 }

// send performs the call and returns the answer when its status is a success for the
// call; otherwise an *Error (unexpected status) or *TransportError (no answer).
func (c *Client) send(ctx context.Context, cl call) (httpAnswer, error) {
	answer, _, err := c.execute(ctx, cl, false)
	return answer, err
}

// execute is send; with stream set, a success body is not read but returned open
// (the caller closes it) and answer.body stays empty. Error bodies are always read,
// under responseBodyLimit, to build the *Error.
func (c *Client) execute(ctx context.Context, cl call, stream bool) (httpAnswer, io.ReadCloser, error) {
	display := c.displayURL(cl)
	if c.url == nil {
		return httpAnswer{}, nil, &TransportError{Method: cl.method, URL: display, Err: errors.New("no deployment URL configured")}
	}
	for name, value := range cl.params {
		if value == "" {
			return httpAnswer{}, nil, fmt.Errorf("%s %s: %s must not be empty", cl.method, display, name)
		}
	}

	rest := c.rest
	if stream {
		rest = c.streamRest
		ctx = context.WithValue(ctx, streamedBodyKey{}, true)
	}
	req := rest.R().SetContext(ctx).SetPathParams(cl.params).SetDoNotParseResponse(stream)
	if cl.query != nil {
		req.SetQueryParamsFromValues(cl.query)
	}
	if cl.body != nil {
		data, err := encodeJSON(cl.body)
		if err != nil {
			return httpAnswer{}, nil, fmt.Errorf("encode %s %s request body: %w", cl.method, display, err)
		}
		req.SetHeader("Content-Type", "application/json").SetBody(data)
	} else if cl.method != http.MethodGet && cl.method != http.MethodHead {
		// An explicit empty body: without it the request goes out chunked,
		// which some proxies and servers refuse for a POST or PUT.
		req.SetContentLength(true)
	}
	req.AddRetryCondition(func(resp *resty.Response, err error) bool {
		retry := cl.retryable && shouldRetry(resp, err)
		if retry && stream && resp != nil && resp.RawResponse != nil {
			// A retried answer is an error page: keep it (the last one becomes the
			// *Error) and free the connection for the next attempt.
			raw := resp.RawResponse
			data, _ := io.ReadAll(io.LimitReader(raw.Body, responseBodyLimit))
			_ = raw.Body.Close()
			raw.Body = io.NopCloser(bytes.NewReader(data))
		}
		return retry
	})

	resp, err := req.Execute(cl.method, cl.path)
	if resp != nil && resp.Request != nil && resp.Request.URL != "" {
		display = redactURL(resp.Request.URL)
	}
	if err != nil {
		if stream && resp != nil && resp.RawResponse != nil {
			_ = resp.RawResponse.Body.Close()
		}
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // its text repeats the URL, which TransportError already shows
		}
		return httpAnswer{}, nil, &TransportError{Method: cl.method, URL: display, Err: err}
	}

	answer := httpAnswer{
		method:      cl.method,
		url:         display,
		status:      resp.StatusCode(),
		contentType: resp.Header().Get("Content-Type"),
		location:    resp.Header().Get("Location"),
		body:        resp.Body(),
	}
	if raw := resp.RawResponse; raw != nil && raw.Request != nil && raw.Request.URL != nil {
		if final := redactURL(raw.Request.URL.String()); final != display {
			answer.redirectedFrom, answer.url = display, final
		}
	}
	var body io.ReadCloser
	if stream {
		body = resp.RawBody()
		if !cl.success(answer.status) {
			answer.body, err = io.ReadAll(io.LimitReader(body, responseBodyLimit))
			_ = body.Close()
			if err != nil {
				return answer, nil, &TransportError{Method: cl.method, URL: answer.url, Err: err}
			}
			body = nil
		}
	}
	if !cl.success(answer.status) {
		return answer, nil, errorFromBody(answer, c.secretsFor(cl))
	}
	return answer, body, nil
}

// sendJSON performs the call and decodes a success body into out.
func (c *Client) sendJSON(ctx context.Context, cl call, out any) error {
	answer, err := c.send(ctx, cl)
	if err != nil {
		return err
	}
	return decodeSuccess(answer, out, c.secretsFor(cl))
}

// secretsFor lists what errors of this call must not contain.
func (c *Client) secretsFor(cl call) []string {
	return append(append([]string(nil), c.secrets...), cl.secrets...)
}

// displayURL is the request URL as errors show it before resty has composed it.
func (c *Client) displayURL(cl call) string {
	path := cl.path
	for name, value := range cl.params {
		path = strings.ReplaceAll(path, "{"+name+"}", url.PathEscape(value))
	}
	if len(cl.query) > 0 {
		path += "?" + cl.query.Encode()
	}
	return redactURL(c.baseURL + path)
}

// redactURL hides a password embedded in the deployment URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// encodeJSON encodes like the upstream SDK: HTML escaping off, no trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// silentLogger keeps resty from writing warnings and retry notes to stderr; the CLI
// owns the terminal and Config.Debug carries the request log.
type silentLogger struct{}

func (silentLogger) Errorf(string, ...any) {}
func (silentLogger) Warnf(string, ...any)  {}
func (silentLogger) Debugf(string, ...any) {}

// BuildInfo returns the deployment's version information (no authentication needed).
func (c *Client) BuildInfo(ctx context.Context) (BuildInfo, error) {
	var out BuildInfo
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/buildinfo", retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// User returns a user by "me", username or UUID.
func (c *Client) User(ctx context.Context, user string) (User, error) {
	var out User
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users/{user}", params: map[string]string{"user": user},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// AuthMethods returns the login methods the deployment offers (no authentication needed).
func (c *Client) AuthMethods(ctx context.Context) (AuthMethods, error) {
	var out AuthMethods
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users/authmethods", retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// Login exchanges an email and password for a session token. Never retried.
func (c *Client) Login(ctx context.Context, email, password string) (LoginWithPasswordResponse, error) {
	var out LoginWithPasswordResponse
	err := c.sendJSON(ctx, call{method: http.MethodPost, path: "/users/login",
		body:    loginWithPasswordRequest{Email: email, Password: password},
		success: statusIs(http.StatusCreated), secrets: []string{password}}, &out)
	return out, err
}

// Logout ends the calling session on the server. Never retried.
func (c *Client) Logout(ctx context.Context) error {
	_, err := c.send(ctx, call{method: http.MethodPost, path: "/users/logout", success: any2xx})
	return err
}

// CreateToken mints a token for user and returns its only copy of the secret. It is
// never retried: the server may have minted the token even when the answer was lost.
// A success status without a key is a *NoKeyError (errors.Is(err, ErrNoKey)).
func (c *Client) CreateToken(ctx context.Context, user string, req CreateTokenRequest) (GenerateAPIKeyResponse, error) {
	var out GenerateAPIKeyResponse
	cl := call{method: http.MethodPost, path: "/users/{user}/keys/tokens",
		params: map[string]string{"user": user}, body: req,
		// Like upstream: any status up to 201 is success.
		success: func(status int) bool { return status >= 200 && status <= http.StatusCreated }}
	answer, err := c.send(ctx, cl)
	if err != nil {
		return out, err
	}
	if err := decodeSuccess(answer, &out, c.secretsFor(cl)); err != nil {
		return out, err
	}
	if strings.TrimSpace(out.Key) == "" {
		// Never hand back an empty key as a success: the caller would print a blank line.
		return out, &NoKeyError{StatusCode: answer.status, Method: answer.method, URL: answer.url}
	}
	return out, nil
}

// TokenByName returns the user's token with that name. A token literally named
// "tokenconfig" cannot be fetched this way: the server's static route wins.
func (c *Client) TokenByName(ctx context.Context, user, name string) (APIKey, error) {
	var out APIKey
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users/{user}/keys/tokens/{name}",
		params:    map[string]string{"user": user, "name": name},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// TokenByID returns a key by its 10-character ID. The server checks access to the key,
// not that it belongs to user, but user must still resolve ("me" is safest).
func (c *Client) TokenByID(ctx context.Context, user, id string) (APIKey, error) {
	var out APIKey
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users/{user}/keys/{id}",
		params:    map[string]string{"user": user, "id": id},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// DeleteToken removes a key permanently.
func (c *Client) DeleteToken(ctx context.Context, user, id string) error {
	_, err := c.send(ctx, call{method: http.MethodDelete, path: "/users/{user}/keys/{id}",
		params:    map[string]string{"user": user, "id": id},
		retryable: true, success: any2xx})
	return err
}

// ExpireToken sets a key's expiry to now and keeps the record (servers from ~Feb 2026;
// older ones answer 404 "Route not found." or 405). Expiring twice succeeds.
func (c *Client) ExpireToken(ctx context.Context, user, id string) error {
	_, err := c.send(ctx, call{method: http.MethodPut, path: "/users/{user}/keys/{id}/expire",
		params:    map[string]string{"user": user, "id": id},
		retryable: true, success: any2xx})
	return err
}

// TokenConfig returns the maximum token lifetime for user (the target, not the caller).
func (c *Client) TokenConfig(ctx context.Context, user string) (TokenConfig, error) {
	var out TokenConfig
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users/{user}/keys/tokens/tokenconfig",
		params:    map[string]string{"user": user},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}

// ScopeCatalog returns the scope names tokens may request (servers from ~v2.27).
func (c *Client) ScopeCatalog(ctx context.Context) (ScopeCatalog, error) {
	var out ScopeCatalog
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/auth/scopes", retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out, err
}
