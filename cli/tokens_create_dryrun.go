package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// dryRunReport is the JSON form of `tokens create --dry-run`: the exact body
// that would be posted, and what the token could do.
type dryRunReport struct {
	User        string                 `json:"user"`
	Request     sdk.CreateTokenRequest `json:"request"`
	Lifetime    string                 `json:"lifetime"`
	ExpiresAt   *time.Time             `json:"expires_at,omitempty"`
	MaxLifetime string                 `json:"max_lifetime,omitempty"`
	Catalog     string                 `json:"catalog"`
	CatalogNote string                 `json:"catalog_note,omitempty"`
	Names       []dryRunName           `json:"names,omitempty"`
	Added       []dryRunDependency     `json:"added,omitempty"`
	Explanation scopes.Explanation     `json:"explanation"`
}

// dryRunName is a named allow-list entry and what it resolved to ("" when
// it could not be resolved, offline).
type dryRunName struct {
	Entry    string `json:"entry"`
	Resolved string `json:"resolved,omitempty"`
}

// dryRunDependency is an entry --with-deps would add (or, without it, that
// the workspace entries lack), and why.
type dryRunDependency struct {
	Entry  string `json:"entry"`
	For    string `json:"for"`
	Reason string `json:"reason"`
}

func writeDryRun(opts *createOptions, p workflow.Prepared, missing []workflow.Dependency) error {
	plan, facts, requested := p.Plan, p.Facts, p.Request.Lifetime
	entries := p.Entries()
	offline := false
	for i, r := range p.Resolved {
		if r.From != "" && r.Entry.IsNamed() {
			// Offline: shown as written, since nothing could resolve it.
			entries[i] = scopes.AllowEntry{Type: r.Entry.Type, ID: r.Entry.Name}
			offline = true
		}
	}
	report := dryRunReport{
		User:        plan.Target(),
		Request:     p.Request,
		Lifetime:    "server default (7d unless the deployment changed it)",
		Catalog:     facts.Catalog.Source().String(),
		CatalogNote: facts.CatalogNote,
		Explanation: scopes.Explain(facts.Catalog, plan.Scopes, entries),
	}
	if offline {
		report.Request.AllowList = workflow.ToWire(scopes.NormalizeAllowList(entries))
	}
	for _, r := range p.Resolved {
		if r.From == "" {
			continue
		}
		n := dryRunName{Entry: r.From}
		if !r.Entry.IsNamed() {
			n.Resolved = r.Entry.String()
		}
		report.Names = append(report.Names, n)
	}
	for _, d := range p.Added {
		report.Added = append(report.Added, dryRunDependency{Entry: d.Entry.String(), For: d.For, Reason: d.Reason})
	}
	if len(missing) > 0 {
		for i, w := range report.Explanation.Warnings {
			if w.Code == scopes.WarnWorkspaceMissingRelated {
				report.Explanation.Warnings[i].Message = missingDepsWarning(report.Explanation, workflow.Result{MissingDeps: missing})
			}
		}
	}
	if requested > 0 {
		report.Lifetime = formatLimit(requested)
		expires := opts.Now().Add(requested).UTC().Truncate(time.Second)
		report.ExpiresAt = &expires
	}
	if facts.MaxLifetime > 0 {
		report.MaxLifetime = formatLimit(facts.MaxLifetime)
	}
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, report)
	}

	w := opts.IO.Out
	name := plan.Name
	if name == "" {
		name = "(the server picks a random name)"
	}
	lifetimeLine := report.Lifetime
	if report.ExpiresAt != nil {
		lifetimeLine += fmt.Sprintf(" (expires about %s)", report.ExpiresAt.Format(time.RFC3339))
	}
	if report.MaxLifetime != "" {
		lifetimeLine += fmt.Sprintf("; maximum %s", report.MaxLifetime)
	}
	fmt.Fprintln(w, "Dry run: nothing was created. The request would be:")
	fmt.Fprintf(w, "  user:        %s\n", plan.Target())
	fmt.Fprintf(w, "  name:        %s\n", name)
	fmt.Fprintf(w, "  lifetime:    %s\n", lifetimeLine)
	fmt.Fprintf(w, "  scopes:      %s\n", strings.Join(report.Explanation.Scopes, ", "))
	fmt.Fprintf(w, "  allow list:  %s\n", strings.Join(report.Explanation.AllowList, ", "))
	fmt.Fprintf(w, "  catalog:     %s\n", report.Catalog)
	if facts.CatalogNote != "" {
		fmt.Fprintf(w, "               (%s)\n", facts.CatalogNote)
	}
	for i, n := range report.Names {
		label := "               "
		if i == 0 {
			label = "  names:       "
		}
		if n.Resolved == "" {
			fmt.Fprintf(w, "%s%s (not resolved: not logged in)\n", label, safetext.Escape(n.Entry))
			continue
		}
		fmt.Fprintf(w, "%s%s = %s\n", label, safetext.Escape(n.Entry), n.Resolved)
	}
	for i, d := range report.Added {
		label := "               "
		if i == 0 {
			label = "  with deps:   "
		}
		fmt.Fprintf(w, "%s%s (%s)\n", label, d.Entry, safetext.Escape(d.Reason))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "At most, the token could do the following (the user's roles still apply):")
	if err := writeExplanationTable(w, report.Explanation); err != nil {
		return err
	}
	if len(report.Explanation.Warnings) > 0 {
		fmt.Fprintln(w)
		for _, warning := range report.Explanation.Warnings {
			fmt.Fprintf(w, "warning: %s [%s]\n", warning.Message, warning.Code)
		}
	}
	return nil
}

func writeExplanationTable(w interface{ Write([]byte) (int, error) }, e scopes.Explanation) error {
	rows := make([][]string, 0, len(e.Resources))
	for _, r := range e.Resources {
		objects := strings.Join(r.Objects, ", ")
		if len(r.Objects) == 0 {
			objects = "none (no allow-list entry covers it)"
		}
		rows = append(rows, []string{r.Resource, strings.Join(r.Actions, ", "), objects, strings.Join(r.Via, ", ")})
	}
	return writeTable(w, []string{"resource", "actions", "objects", "via"}, rows)
}
