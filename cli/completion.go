package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

// Dynamic completion. cobra provides `coder completion bash|zsh|fish|powershell`;
// these functions fill in flag values and arguments.

// completionTimeout bounds the one network call completion makes (token
// names): a slow server must not freeze the user's shell.
const completionTimeout = 2 * time.Second

// lastListItem splits "a,b,c" into "a,b," and "c", so comma-separated flag
// values complete their last item.
func lastListItem(toComplete string) (prefix, last string) {
	i := strings.LastIndex(toComplete, ",")
	return toComplete[:i+1], toComplete[i+1:]
}

func completeScopes(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := lastListItem(toComplete)
	var out []string
	for _, name := range scopes.Snapshot().Names() {
		if strings.HasPrefix(name, last) {
			out = append(out, prefix+name)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeAllowTypes offers "<type>:" and "<type>:*"; ids need a UUID the
// user pastes.
func completeAllowTypes(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := lastListItem(toComplete)
	var out []string
	if typ, _, found := strings.Cut(last, ":"); found {
		return []string{prefix + typ + ":*"}, cobra.ShellCompDirectiveNoFileComp
	}
	for _, typ := range append([]string{"*"}, scopes.Snapshot().ResourceTypes()...) {
		if strings.HasPrefix(typ, last) {
			out = append(out, prefix+typ+":")
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

func completeColumns(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix, last := lastListItem(toComplete)
	chosen := map[string]bool{}
	for _, c := range strings.Split(prefix, ",") {
		chosen[strings.ReplaceAll(canonicalColumn(c), " ", "_")] = true
	}
	var out []string
	for _, col := range columnFlagNames() {
		if strings.HasPrefix(col, last) && !chosen[col] {
			out = append(out, prefix+col)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
}

// completeTokenNames lists the user's token names with a short timeout, and
// offers nothing (rather than an error) when that fails.
func completeTokenNames(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		// Completion skips the pre-run hooks, so apply env and config here.
		f.completing = true
		if err := f.prepare(cmd); err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		client, err := f.Client()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		user := "me"
		if flag := cmd.Flags().Lookup("user"); flag != nil {
			user = flag.Value.String()
		}
		tokens, err := client.Tokens(ctx, user, sdk.TokensFilter{})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []string
		for _, t := range tokens {
			if strings.HasPrefix(t.TokenName, toComplete) {
				out = append(out, t.TokenName)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func completeSortFields(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, field := range sortFieldNames() {
		for _, candidate := range []string{field, "-" + field} {
			if strings.HasPrefix(candidate, toComplete) {
				out = append(out, candidate)
			}
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// commonLifetimes are what --lifetime offers: the lifetimes people pick,
// shortest first, and max. Never files: a lifetime is not a path.
var commonLifetimes = []string{"15m", "1h", "8h", "1d", "7d", "30d", "max"}

func completeLifetimes(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	var out []string
	for _, l := range commonLifetimes {
		if strings.HasPrefix(l, toComplete) {
			out = append(out, l)
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
