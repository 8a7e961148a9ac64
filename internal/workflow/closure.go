package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Dependency is an entry a workspace entry also needs, because Coder's handlers check
// that object too when the workspace is used (scopes.md §4.3, contract §8).
type Dependency struct {
	Entry  scopes.AllowEntry
	Reason string // one line, e.g. `template "docker" of workspace alice/dev`
	For    string // the workspace entry it serves, as written
}

// WorkspaceClosure lists what a token restricted to ws also needs: its template, the
// template version of its latest build (versions are checked as their template), its
// owner, the owner's organization membership, and the workspace's dormant twin.
func WorkspaceClosure(ws sdk.Workspace, written string) []Dependency {
	name := ws.OwnerName + "/" + ws.Name
	if ws.OwnerName == "" {
		name = ws.Name
	}
	deps := []Dependency{
		{Entry: entry("template", ws.TemplateID),
			Reason: fmt.Sprintf("template %q of workspace %s: reading a workspace reads its template", ws.TemplateName, name)},
		{Entry: entry("template", ws.LatestBuild.TemplateVersionID),
			Reason: fmt.Sprintf("template version of %s's latest build: versions are checked as template objects by their own ID", name)},
		{Entry: entry("user", ws.OwnerID),
			Reason: fmt.Sprintf("owner %q of workspace %s", ws.OwnerName, name)},
		{Entry: entry("organization_member", ws.OwnerID),
			Reason: fmt.Sprintf("%q's membership of organization %q, which workspace handlers check", ws.OwnerName, ws.OrganizationName)},
		{Entry: entry("workspace_dormant", ws.ID),
			Reason: fmt.Sprintf("workspace %s once dormant: a dormant workspace is typed workspace_dormant", name)},
	}
	for i := range deps {
		deps[i].For = written
	}
	return deps
}

func entry(typ string, id uuid.UUID) scopes.AllowEntry {
	return scopes.AllowEntry{Type: typ, ID: id.String()}
}

// Closure computes the dependencies of every workspace entry with a specific ID: one
// lookup per workspace (reusing the one a name was resolved by), concurrently. Entries
// already covered by the list (or by an earlier dependency) are left out, so what
// comes back is exactly what --with-deps adds.
func Closure(ctx context.Context, api Lookups, resolved []Resolved) ([]Dependency, error) {
	workspaces, err := closureWorkspaces(ctx, api, resolved)
	if err != nil {
		return nil, err
	}
	list := Entries(resolved)
	var added []Dependency
	for i, r := range resolved {
		ws, ok := workspaces[i]
		if !ok {
			continue
		}
		written := r.From
		if written == "" {
			written = r.Entry.String()
		}
		for _, dep := range WorkspaceClosure(ws, written) {
			if covers(list, dep.Entry) {
				continue
			}
			list = append(list, dep.Entry)
			added = append(added, dep)
		}
	}
	return added, nil
}

// closureWorkspaces looks up every workspace entry's workspace, keyed by entry index;
// any failure fails the whole.
func closureWorkspaces(ctx context.Context, api Lookups, resolved []Resolved) (map[int]sdk.Workspace, error) {
	found, failed := lookupWorkspaces(ctx, api, resolved)
	var errs []error
	for i := range resolved {
		if err, ok := failed[i]; ok {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return found, nil
}

// lookupWorkspaces looks up each distinct workspace ID once, concurrently, reusing the
// lookups names were resolved by. Failures come back per entry index as *NameError.
func lookupWorkspaces(ctx context.Context, api Lookups, resolved []Resolved) (map[int]sdk.Workspace, map[int]error) {
	type answer struct {
		ws  sdk.Workspace
		err error
	}
	byID := map[string]*answer{}
	for _, r := range resolved {
		if r.Entry.Type != "workspace" || r.Entry.ID == "*" {
			continue
		}
		if _, seen := byID[r.Entry.ID]; !seen {
			byID[r.Entry.ID] = nil
		}
		if r.Workspace != nil {
			byID[r.Entry.ID] = &answer{ws: *r.Workspace}
		}
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, maxConcurrentLookups)
	for id, known := range byID {
		if known != nil {
			continue
		}
		a := &answer{}
		byID[id] = a
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			a.ws, a.err = api.Workspace(ctx, uuid.MustParse(id))
		}()
	}
	wg.Wait()

	found, failed := map[int]sdk.Workspace{}, map[int]error{}
	for i, r := range resolved {
		a, ok := byID[r.Entry.ID]
		if r.Entry.Type != "workspace" || !ok {
			continue
		}
		if a.err != nil {
			failed[i] = &NameError{Entry: r.Entry.String(), Lookup: "workspace " + r.Entry.ID,
				Path: "GET /api/v2/workspaces/" + r.Entry.ID, Err: a.err}
			continue
		}
		found[i] = a.ws
	}
	return found, failed
}

// covers reports whether list already admits e: the same entry, "<type>:*", "*:<id>"
// or "*:*" (the server's own normalisation would absorb e).
func covers(list []scopes.AllowEntry, e scopes.AllowEntry) bool {
	return slices.ContainsFunc(list, func(have scopes.AllowEntry) bool {
		return (have.Type == "*" || have.Type == e.Type) && (have.ID == "*" || have.ID == e.ID)
	})
}
