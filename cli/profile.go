package cli

import (
	"errors"
	"fmt"
	"net/url"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/credstore"
	"github.com/scopedtokens/coder/internal/safetext"
)

type profileOptions struct {
	IO     *IOStreams
	Store  func() *credstore.Store
	Output *outputFlags
}

func newProfileCommand(f *Factory) *cobra.Command {
	opts := &profileOptions{IO: f.IO, Store: f.store}
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "List, switch and remove stored logins to several deployments",
		Long: `A profile is one stored login: a deployment URL and its session token.
'coder login --profile NAME <url>' adds one and makes it active; earlier logins
are kept. The active profile's url and session stay at the top of the config
directory, where the upstream coder CLI reads them; the others live under
profiles/NAME. --profile NAME (or $CODER_PROFILE) uses one for a single command.

A session token is only ever sent to its own profile's URL.`,
		Example: `  coder login --profile work https://coder.example.com
  coder login --profile lab http://localhost:3000
  coder profile list
  coder profile use work
  coder --profile lab tokens ls
  coder profile remove lab`,
		Args: noArgsOrSuggest,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	list := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "Show the stored logins and which one is active",
		Args:    noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProfileList(opts)
		},
	}
	opts.Output = addOutputFlag(list, "table", "json")
	use := &cobra.Command{
		Use:               "use NAME",
		Short:             "Make a stored login the active one",
		Args:              exactArgs(1),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			login, err := opts.Store().Use(args[0])
			if err != nil {
				return storeError(err)
			}
			fmt.Fprintf(opts.IO.ErrOut, "Now using profile %s: %s.\n", login.Profile, describeLogin(*login))
			return nil
		},
	}
	remove := &cobra.Command{
		Use:               "remove NAME",
		Aliases:           []string{"rm"},
		Short:             "Forget a stored login (the session stays valid on the server; 'coder logout --profile NAME' ends it)",
		Args:              exactArgs(1),
		ValidArgsFunction: completeProfiles(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := credstore.ValidProfileName(args[0]); err != nil {
				return asUsage(err)
			}
			login, err := opts.Store().Remove(args[0])
			if err != nil {
				return storeError(err)
			}
			if login.URL == "" {
				return withHint(asUsage(fmt.Errorf("%w %q", credstore.ErrNoProfile, args[0])), "'coder profile list' shows them")
			}
			note := ""
			if login.Active {
				note = " It was the active profile; 'coder profile use NAME' picks another."
			}
			fmt.Fprintf(opts.IO.ErrOut, "Removed profile %s (%s). The session stays valid on the server until it expires.%s\n",
				login.Profile, safeURL(login.URL), note)
			return nil
		},
	}
	cmd.AddCommand(list, use, remove)
	return cmd
}

// storeError turns unknown profiles and untrusted files into usage errors
// that say how to fix them.
func storeError(err error) error {
	var untrusted *credstore.UntrustedError
	switch {
	case errors.Is(err, credstore.ErrNoProfile):
		return withHint(asUsage(err), "'coder profile list' shows the profiles")
	case errors.As(err, &untrusted):
		return withHint(asUsage(err), "fix it with: "+untrusted.Fix())
	}
	return err
}

type profileJSON struct {
	Name    string `json:"name"`
	URL     string `json:"url"`
	User    string `json:"user,omitempty"`
	Active  bool   `json:"active"`
	Storage string `json:"storage"`
}

func runProfileList(opts *profileOptions) error {
	logins, err := opts.Store().List()
	if err != nil {
		return storeError(err)
	}
	rows := make([]profileJSON, 0, len(logins))
	for _, l := range logins {
		storage := l.Storage
		if storage == "" {
			storage = "none"
		}
		rows = append(rows, profileJSON{Name: l.Profile, URL: l.URL, User: l.User, Active: l.Active, Storage: storage})
	}
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, rows)
	}
	if len(rows) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No profiles. Log in with: coder login --profile NAME <url>")
		return nil
	}
	w := tabwriter.NewWriter(opts.IO.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ACTIVE\tNAME\tURL\tUSER\tSTORAGE")
	for _, r := range rows {
		mark := ""
		if r.Active {
			mark = "*"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", mark, r.Name, safeURL(r.URL), safetext.Escape(r.User), r.Storage)
	}
	return w.Flush()
}

func describeLogin(l credstore.Login) string {
	s := safeURL(l.URL)
	if l.User != "" {
		s = l.User + " on " + s
	}
	return s
}

func completeProfiles(f *Factory) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		logins, err := f.store().List()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []string
		for _, l := range logins {
			names = append(names, l.Profile+"\t"+safeURL(l.URL))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// safeURL drops any user:password from a stored URL before it is shown.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return safetext.Escape(raw)
	}
	u.User = nil
	return safetext.Escape(u.String())
}
