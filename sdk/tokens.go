package sdk

// One-token calls: create, fetch, delete, expire, and what a create may ask for.
// The list lives in tokens_stream.go.

import (
	"context"
	"net/http"
	"strings"
)

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
	err := c.getJSON(ctx, "/users/{user}/keys/tokens/{name}", map[string]string{"user": user, "name": name}, &out)
	return out, err
}

// TokenByID returns a key by its 10-character ID. The server checks access to the key,
// not that it belongs to user, but user must still resolve ("me" is safest).
func (c *Client) TokenByID(ctx context.Context, user, id string) (APIKey, error) {
	var out APIKey
	err := c.getJSON(ctx, "/users/{user}/keys/{id}", map[string]string{"user": user, "id": id}, &out)
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
	err := c.getJSON(ctx, "/users/{user}/keys/tokens/tokenconfig", map[string]string{"user": user}, &out)
	return out, err
}

// ScopeCatalog returns the scope names tokens may request (servers from ~v2.27).
func (c *Client) ScopeCatalog(ctx context.Context) (ScopeCatalog, error) {
	var out ScopeCatalog
	err := c.getJSON(ctx, "/auth/scopes", nil, &out)
	return out, err
}
