package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// noArgsOrSuggest rejects stray arguments on commands that only group
// others, suggesting the subcommand that was probably meant.
func noArgsOrSuggest(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	err := usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default, applied only on its path
	}
	if suggestions := cmd.SuggestionsFor(args[0]); len(suggestions) > 0 {
		return withHint(err, fmt.Sprintf("did you mean %q?", cmd.CommandPath()+" "+suggestions[0]))
	}
	return withHint(err, fmt.Sprintf("see '%s --help'", cmd.CommandPath()))
}

// exactArgs is cobra.ExactArgs with a usage error that shows the usage line.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return withHint(usageErrorf("%s takes %d argument(s), got %d", cmd.CommandPath(), n, len(args)),
				"usage: "+cmd.UseLine())
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return withHint(usageErrorf("%s needs at least %d argument(s)", cmd.CommandPath(), n), "usage: "+cmd.UseLine())
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return withHint(usageErrorf("%s takes no arguments, got %q", cmd.CommandPath(), args), "usage: "+cmd.UseLine())
	}
	return nil
}
