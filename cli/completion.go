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

// completeAllowTypes offers "<type>:" and "<type>:*"; after "workspace:"
// it also offers the workspaces the caller can read, by owner/name, which
// --allow resolves.
func completeAllowTypes(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		prefix, last := lastListItem(toComplete)
		var out []string
		if typ, ref, found := strings.Cut(last, ":"); found {
			out = append(out, prefix+typ+":*")
			if typ == "workspace" {
				for _, ws := range f.completionWorkspaces(cmd, ref) {
					out = append(out, prefix+"workspace:"+ws)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		for _, typ := range append([]string{"*"}, scopes.Snapshot().ResourceTypes()...) {
			if strings.HasPrefix(typ, last) {
				out = append(out, prefix+typ+":")
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
	}
}

// completionClient prepares the command (completion skips the pre-run
// hooks) and returns a client and a context bounded by completionTimeout,
// or nil when there is no usable login.
func (f *Factory) completionClient(cmd *cobra.Command) (*sdk.Client, context.Context, context.CancelFunc) {
	f.completing = true
	if err := f.prepare(cmd); err != nil {
		return nil, nil, nil
	}
	client, err := f.Client()
	if err != nil {
		return nil, nil, nil
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
	return client, ctx, cancel
}

// completionWorkspaces lists "owner/name" of the workspaces matching what
// was typed after "workspace:" ("dev", "alice/", "alice/de").
func (f *Factory) completionWorkspaces(cmd *cobra.Command, typed string) []string {
	if looksLikeUUIDStart(typed) {
		return nil
	}
	client, ctx, cancel := f.completionClient(cmd)
	if client == nil {
		return nil
	}
	defer cancel()
	query := typed
	if owner, name, ok := strings.Cut(typed, "/"); ok {
		query = "owner:" + owner
		if name != "" {
			query += " name:" + name
		}
	}
	list, err := client.Workspaces(ctx, query, 0)
	if err != nil {
		return nil
	}
	var out []string
	for _, ws := range list {
		if ref := ws.OwnerName + "/" + ws.Name; strings.HasPrefix(ref, typed) || strings.HasPrefix(ws.Name, typed) {
			out = append(out, ref)
		}
	}
	return out
}

// looksLikeUUIDStart spots a pasted ID, which needs no lookup.
func looksLikeUUIDStart(s string) bool {
	return len(s) >= 8 && strings.Trim(s[:8], "0123456789abcdefABCDEF") == ""
}

// completeUsernames offers "me" and the usernames the caller can see: all
// of them for an owner, themselves for a member.
func completeUsernames(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		if strings.HasPrefix("me", toComplete) {
			out = append(out, "me")
		}
		client, ctx, cancel := f.completionClient(cmd)
		if client == nil {
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		defer cancel()
		users, err := client.Users(ctx, toComplete, 0)
		if err != nil {
			return out, cobra.ShellCompDirectiveNoFileComp
		}
		for _, u := range users {
			if strings.HasPrefix(u.Username, toComplete) {
				out = append(out, u.Username)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// registerLookupCompletions gives every --user and --allow in the tree
// completion from the server.
func registerLookupCompletions(root *cobra.Command, f *Factory) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.LocalFlags().Lookup("user") != nil {
			_ = c.RegisterFlagCompletionFunc("user", completeUsernames(f))
		}
		if c.LocalFlags().Lookup("allow") != nil {
			_ = c.RegisterFlagCompletionFunc("allow", completeAllowTypes(f))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
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
