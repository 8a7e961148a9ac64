package sdk

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Listing calls for shell completion: small pages, filtered by the server's
// search query (coderd's q= syntax).

// completionPage bounds what one completion asks for: a shell shows a
// screenful, not every user of a large deployment.
const completionPage = 100

// Users returns up to limit users matching the search query (e.g. "ali",
// or "" for the first page). Members see only themselves on most servers.
func (c *Client) Users(ctx context.Context, query string, limit int) ([]User, error) {
	var out struct {
		Users []User `json:"users"`
		Count int    `json:"count"`
	}
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/users",
		query:     url.Values{"q": {query}, "limit": {strconv.Itoa(pageSize(limit))}},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out.Users, err
}

// Workspaces returns up to limit workspaces the caller can read that match
// the search query (e.g. "owner:alice name:dev").
func (c *Client) Workspaces(ctx context.Context, query string, limit int) ([]Workspace, error) {
	var out struct {
		Workspaces []Workspace `json:"workspaces"`
		Count      int         `json:"count"`
	}
	err := c.sendJSON(ctx, call{method: http.MethodGet, path: "/workspaces",
		query:     url.Values{"q": {query}, "limit": {strconv.Itoa(pageSize(limit))}},
		retryable: true, success: statusIs(http.StatusOK)}, &out)
	return out.Workspaces, err
}

func pageSize(limit int) int {
	if limit <= 0 || limit > completionPage {
		return completionPage
	}
	return limit
}
