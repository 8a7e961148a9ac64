package cli

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

type scopesOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)

	Offline bool
	Output  *outputFlags
}

func newTokensScopesCommand(f *Factory) *cobra.Command {
	opts := &scopesOptions{IO: f.IO, Client: f.Client}
	cmd := &cobra.Command{
		Use:   "scopes",
		Short: "List the scopes a token can be given",
		Long: `List the scopes this deployment offers, grouped by resource, and what each
composite scope expands to.

The list comes from the server when it has a scope catalog (v2.27 and newer);
otherwise, or with --offline, from the snapshot bundled with this CLI. The
first line on stderr says which.`,
		Example: `  coder tokens scopes
  coder tokens scopes -o json | jq -r '.scopes[]'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScopes(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Offline, "offline", false, "Use the bundled snapshot without asking the server")
	withEnv(cmd.Flags(), "offline", "CODER_OFFLINE")
	opts.Output = addOutputFlag(cmd, "table", "json")
	return cmd
}

// scopeListing is the JSON form of `tokens scopes`.
type scopeListing struct {
	Source     string              `json:"source"`
	Note       string              `json:"note,omitempty"`
	Scopes     []string            `json:"scopes"`
	Resources  []resourceScopes    `json:"resources"`
	Composites []compositeExpanded `json:"composites"`
}

type resourceScopes struct {
	Resource string   `json:"resource"`
	Actions  []string `json:"actions"`
}

type compositeExpanded struct {
	Name      string   `json:"name"`
	ExpandsTo []string `json:"expands_to"`
}

func runScopes(ctx context.Context, opts *scopesOptions) error {
	catalog, note, err := loadCatalog(ctx, opts)
	if err != nil {
		return err
	}
	listing := buildScopeListing(catalog, note)
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, listing)
	}
	header := "Scopes from the " + listing.Source
	if note != "" {
		header += " (" + note + ")"
	}
	fmt.Fprintln(opts.IO.ErrOut, header+".")
	rows := make([][]string, 0, len(listing.Resources))
	for _, r := range listing.Resources {
		rows = append(rows, []string{r.Resource, strings.Join(r.Actions, ", ")})
	}
	if err := writeTable(opts.IO.Out, []string{"resource", "actions"}, rows); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out)
	rows = rows[:0]
	for _, c := range listing.Composites {
		rows = append(rows, []string{c.Name, strings.Join(c.ExpandsTo, ", ")})
	}
	return writeTable(opts.IO.Out, []string{"scope", "grants"}, rows)
}

// loadCatalog prefers the server's catalog and falls back to the snapshot
// when the server has none or the user is not logged in.
func loadCatalog(ctx context.Context, opts *scopesOptions) (*scopes.Catalog, string, error) {
	if opts.Offline {
		return scopes.Snapshot(), "--offline", nil
	}
	client, err := opts.Client()
	var notLoggedIn *notLoggedInError
	if errors.As(err, &notLoggedIn) {
		return scopes.Snapshot(), "not logged in", nil
	}
	if err != nil {
		return nil, "", err
	}
	live, err := client.ScopeCatalog(ctx)
	if sdk.IsNotFound(err) {
		return scopes.Snapshot(), "the server has no scope catalog; it predates v2.27", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("cannot read the scope catalog: %w", err)
	}
	return scopes.FromNames(live.External), "", nil
}

func buildScopeListing(catalog *scopes.Catalog, note string) scopeListing {
	listing := scopeListing{
		Source:     catalog.Source().String(),
		Note:       note,
		Scopes:     catalog.Names(),
		Resources:  []resourceScopes{},
		Composites: []compositeExpanded{},
	}
	byResource := map[string][]string{}
	for _, name := range listing.Scopes {
		switch catalog.Kind(name) {
		case scopes.KindLowLevel, scopes.KindWildcard:
			resource, action, _ := strings.Cut(name, ":")
			byResource[resource] = append(byResource[resource], action)
		case scopes.KindSpecial, scopes.KindComposite:
			var grants []string
			for _, p := range catalog.Expand(name) {
				grants = append(grants, p.Resource+":"+p.Action)
			}
			listing.Composites = append(listing.Composites, compositeExpanded{Name: name, ExpandsTo: grants})
		}
	}
	for _, resource := range slices.Sorted(maps.Keys(byResource)) {
		listing.Resources = append(listing.Resources, resourceScopes{Resource: resource, Actions: byResource[resource]})
	}
	return listing
}
