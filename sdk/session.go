package sdk

// The calls that establish and inspect a session: what the deployment runs, how
// to sign in, who a user is, and signing out.

import (
	"context"
	"net/http"
)

// BuildInfo returns the deployment's version information (no authentication needed).
func (c *Client) BuildInfo(ctx context.Context) (BuildInfo, error) {
	var out BuildInfo
	err := c.getJSON(ctx, "/buildinfo", nil, &out)
	return out, err
}

// User returns a user by "me", username or UUID.
func (c *Client) User(ctx context.Context, user string) (User, error) {
	var out User
	err := c.getJSON(ctx, "/users/{user}", map[string]string{"user": user}, &out)
	return out, err
}

// AuthMethods returns the login methods the deployment offers (no authentication needed).
func (c *Client) AuthMethods(ctx context.Context) (AuthMethods, error) {
	var out AuthMethods
	err := c.getJSON(ctx, "/users/authmethods", nil, &out)
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
