package workflow

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Lookups is what resolving names and computing closures asks the server; *sdk.Client
// implements it.
type Lookups interface {
	User(ctx context.Context, user string) (sdk.User, error)
	Organization(ctx context.Context, org string) (sdk.Organization, error)
	Template(ctx context.Context, org, name string) (sdk.Template, error)
	Group(ctx context.Context, org, name string) (sdk.Group, error)
	WorkspaceByOwnerAndName(ctx context.Context, owner, name string) (sdk.Workspace, error)
	Workspace(ctx context.Context, id uuid.UUID) (sdk.Workspace, error)
}

// Resolved is one allow-list entry with a UUID (or wildcard) in place of any name.
type Resolved struct {
	Entry scopes.AllowEntry // never named
	// From is the entry as written when it was a name ("workspace:alice/dev"), else "".
	From string
	// Workspace is the lookup a named workspace entry was resolved by, kept so the
	// closure needs no second request.
	Workspace *sdk.Workspace
}

// NameError is a named entry the server could not resolve. It wraps the lookup's
// error, so a 404 still reads as "not found" (exit 4) and a 401 as an auth failure.
type NameError struct {
	Entry  string // as written, e.g. "workspace:alice/dev"
	Lookup string // what was asked, e.g. `workspace "dev" of user "alice"`
	Path   string // the request, e.g. "GET /api/v2/users/alice/workspace/dev"
	Err    error
}

// Error names the entry, what was looked up and the server's answer in one line; the
// status and message stand in for the SDK's full "<METHOD> <URL>: unexpected status"
// text, which would repeat the request.
func (e *NameError) Error() string {
	answer := e.Err.Error()
	var apiErr *sdk.Error
	if errors.As(e.Err, &apiErr) {
		answer = fmt.Sprintf("%d %s", apiErr.StatusCode, apiErr.Message)
	}
	if e.Unresolved() {
		return fmt.Sprintf("allow-list entry %q does not resolve: no %s (%s: %s)", e.Entry, e.Lookup, e.Path, answer)
	}
	return fmt.Sprintf("allow-list entry %q: cannot look up %s (%s): %s", e.Entry, e.Lookup, e.Path, answer)
}

func (e *NameError) Unwrap() error { return e.Err }

// unknownUserMessage is how servers before v2.27 answer a {user} that does not
// resolve: 400, not 404.
const unknownUserMessage = `"user" must be an existing uuid or username.`

// Unresolved reports whether the server said the object is not there (or not visible),
// as opposed to failing: a 404, or an older server's 400 for an unknown user.
func (e *NameError) Unresolved() bool {
	var apiErr *sdk.Error
	return sdk.IsNotFound(e.Err) || errors.As(e.Err, &apiErr) && apiErr.StatusCode == 400 && apiErr.Message == unknownUserMessage
}

// ResolveOptions say whose objects unqualified names mean.
type ResolveOptions struct {
	// Owner owns workspaces named without "<owner>/": the token's target user
	// (username, UUID or "me"); "" means "me".
	Owner string
	// Me is who "me" means in names (user:me, workspace:me/dev); "" leaves it to the
	// server, which takes the caller. tokens check sets it to the key's owner.
	Me string
}

// maxConcurrentLookups keeps a 128-entry list from opening 128 connections at once.
const maxConcurrentLookups = 8

// lookupKey identifies one server request, so entries naming the same object (e.g.
// user:alice and organization_member:alice) share it.
type lookupKey struct {
	kind, scope, name string
}

type lookupResult struct {
	id        string
	workspace *sdk.Workspace
	err       error
}

// Resolve replaces every named entry by its object's UUID, asking the server once per
// distinct name, concurrently. Entries that are not named pass through. Every name
// that fails is reported (errors.Join of *NameError); then no entries are returned.
func Resolve(ctx context.Context, api Lookups, entries []scopes.AllowEntry, opts ResolveOptions) ([]Resolved, error) {
	owner := opts.Owner
	if owner == "" {
		owner = "me"
	}
	me := func(name string) string {
		if name == "me" && opts.Me != "" {
			return opts.Me
		}
		return name
	}
	keys := make([]lookupKey, len(entries))
	pending := map[lookupKey]*lookupResult{}
	for i, e := range entries {
		if e.IsNamed() {
			keys[i] = keyFor(e, me(owner), me)
			pending[keys[i]] = &lookupResult{}
		}
	}

	var wg sync.WaitGroup
	slots := make(chan struct{}, maxConcurrentLookups)
	for key, result := range pending {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			*result = lookup(ctx, api, key)
		}()
	}
	wg.Wait()

	out := make([]Resolved, 0, len(entries))
	var errs []error
	for i, e := range entries {
		if !e.IsNamed() {
			out = append(out, Resolved{Entry: e})
			continue
		}
		result := pending[keys[i]]
		if result.err != nil {
			what, path := describe(keys[i])
			errs = append(errs, &NameError{Entry: e.Written(), Lookup: what, Path: path, Err: result.err})
			continue
		}
		out = append(out, Resolved{
			Entry:     scopes.AllowEntry{Type: e.Type, ID: result.id},
			From:      e.Written(),
			Workspace: result.workspace,
		})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Entries returns the resolved entries alone, for the POST.
func Entries(resolved []Resolved) []scopes.AllowEntry {
	out := make([]scopes.AllowEntry, len(resolved))
	for i, r := range resolved {
		out[i] = r.Entry
	}
	return out
}

func keyFor(e scopes.AllowEntry, owner string, me func(string) string) lookupKey {
	switch e.Type {
	case "workspace":
		scope := me(e.Scope())
		if scope == "" {
			scope = owner
		}
		return lookupKey{kind: "workspace", scope: scope, name: e.Object()}
	case "template", "group":
		scope := e.Scope()
		if scope == "" {
			scope = "default"
		}
		return lookupKey{kind: e.Type, scope: scope, name: e.Object()}
	case "organization":
		return lookupKey{kind: "organization", name: e.Name}
	default: // user, organization_member: both keyed by the user's UUID
		return lookupKey{kind: "user", name: me(e.Name)}
	}
}

func lookup(ctx context.Context, api Lookups, key lookupKey) lookupResult {
	switch key.kind {
	case "workspace":
		ws, err := api.WorkspaceByOwnerAndName(ctx, key.scope, key.name)
		if err != nil {
			return lookupResult{err: err}
		}
		return lookupResult{id: ws.ID.String(), workspace: &ws}
	case "template":
		tpl, err := api.Template(ctx, key.scope, key.name)
		return lookupResult{id: tpl.ID.String(), err: err}
	case "group":
		g, err := api.Group(ctx, key.scope, key.name)
		return lookupResult{id: g.ID.String(), err: err}
	case "organization":
		org, err := api.Organization(ctx, key.name)
		return lookupResult{id: org.ID.String(), err: err}
	default:
		u, err := api.User(ctx, key.name)
		return lookupResult{id: u.ID.String(), err: err}
	}
}

// describe says in words what a lookup asked, and which request asked it.
func describe(key lookupKey) (what, path string) {
	switch key.kind {
	case "workspace":
		return fmt.Sprintf("workspace %q of user %q", key.name, key.scope), "GET /api/v2/users/" + key.scope + "/workspace/" + key.name
	case "template":
		return fmt.Sprintf("template %q in organization %q", key.name, key.scope), "GET /api/v2/organizations/" + key.scope + "/templates/" + key.name
	case "group":
		return fmt.Sprintf("group %q in organization %q", key.name, key.scope), "GET /api/v2/organizations/" + key.scope + "/groups/" + key.name
	case "organization":
		return fmt.Sprintf("organization %q", key.name), "GET /api/v2/organizations/" + key.name
	default:
		return fmt.Sprintf("user %q", key.name), "GET /api/v2/users/" + key.name
	}
}
