package sdk

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// redirectPolicy decides what may follow a redirect. Reads (GET, HEAD) follow like
// net/http, except that credentials stay on the origin they were configured for:
// net/http strips only the headers it knows (Authorization, Cookie), not the session
// token header nor the user's --header values. Anything that changes state is never
// redirected at all: a 302 turns a POST into a GET that loses the request, and a 307
// would re-send a password or a create request to wherever the server pointed.
type redirectPolicy struct {
	// userHeaders are the Config.Header names; they may hold a proxy's credentials.
	userHeaders []string
}

func (p redirectPolicy) check(req *http.Request, via []*http.Request) error {
	first := via[0]
	if first.Method != http.MethodGet && first.Method != http.MethodHead {
		return http.ErrUseLastResponse // the caller sees the 3xx and reports it
	}
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if !sameOrigin(req.URL, first.URL) {
		req.Header.Del(SessionTokenHeader)
		for _, name := range p.userHeaders {
			req.Header.Del(name)
		}
	}
	return nil
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Host == b.Host
}

// ErrNoKey is matched (errors.Is) by a create answer that reported success but
// carried no key. The token may nevertheless exist on the server.
var ErrNoKey = errors.New("the server reported success but sent no key")

// NoKeyError is a create answer with a success status and no key in its body:
// `{}`, `"key": null`, an error body sent with 200, or a redirected request's answer.
type NoKeyError struct {
	StatusCode int
	Method     string
	URL        string
}

func (e *NoKeyError) Error() string {
	return fmt.Sprintf("%s %s: the server answered %d %s but sent no key", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}

func (e *NoKeyError) Is(target error) bool { return target == ErrNoKey }

// redirectMessage explains a 3xx that was not followed.
func redirectMessage(a httpAnswer) string {
	if a.location == "" {
		return fmt.Sprintf("the server answered %d %s without saying where to", a.status, http.StatusText(a.status))
	}
	return fmt.Sprintf("the server redirected this %s to %s; requests that change state are never re-sent to another address", a.method, redactURL(a.location))
}

const redirectHelper = "Check the deployment URL: the scheme (https://), the host and any path prefix must be the ones Coder answers on."
