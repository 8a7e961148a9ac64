package cli

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/sdk"
)

type listOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	All            bool
	IncludeExpired bool
	User           string
	Output         *outputFlags
	Columns        *columnsValue
	Table          *tableFlags
	Filter         tokenFilter
	Sort           sortSpec
	Limit          int
}

func newTokensListCommand(f *Factory) *cobra.Command {
	opts := &listOptions{IO: f.IO, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List tokens",
		Long: `List tokens, oldest first. Expired tokens are hidden unless --include-expired
or --status expired.

Filters combine (all must hold) and run client-side, since the API has none:
--name 'ci-*', --status, --expiring-within 7d, --unused-for 30d (never used
counts as unused), --unrestricted. --sort orders by a field (-field for
descending) and --limit keeps the first N after that. 'coder tokens prune'
takes the same filters.

On a terminal the table fits its width: long names, scopes and allow lists
are cut with "…" (--wide shows them whole) and times are relative ("in 6d",
"3h ago"). Piped, rows are tab-separated, list cells joined by "," and times
RFC 3339, with nothing cut. An empty list prints "No tokens found." on
stderr and nothing on stdout ("[]" with -o json). Without --sort, --limit, --jq or --template,
-o json prints each token as it arrives, in the server's order as upstream
does, so lists of any size stream in flat memory.`,
		Example: `  coder tokens ls
  coder tokens ls --all --include-expired -c name,owner,expires_at
  coder tokens ls --unrestricted --unused-for 30d --sort=-created_at
  coder tokens ls --all --expiring-within 7d --sort expires_at --limit 20
  coder tokens ls -o json | jq -r '.[].token_name'`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runList(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVarP(&opts.All, "all", "a", false, "List the tokens of all users (needs the Owner role; others see only their own)")
	withEnv(fl, "all", "CODER_TOKENS_ALL")
	fl.BoolVar(&opts.IncludeExpired, "include-expired", false, "Include expired tokens")
	withEnv(fl, "include-expired", "CODER_INCLUDE_EXPIRED")
	fl.StringVarP(&opts.User, "user", "u", "me", "User whose tokens to list (username or ID)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	opts.Output = addOutputFlag(cmd, "table", "json")
	opts.Columns = addColumnsFlag(cmd)
	opts.Table = addTableFlags(cmd)
	addFilterFlags(cmd, &opts.Filter)
	fl.Var(&opts.Sort, "sort", "Order by `field`: "+strings.Join(sortFieldNames(), ", ")+"; -field for descending")
	withEnv(fl, "sort", "CODER_TOKENS_SORT")
	_ = cmd.RegisterFlagCompletionFunc("sort", completeSortFields)
	fl.Var(countValue{&opts.Limit}, "limit", "Show at most `N` tokens, after filtering and sorting (0: all)")
	withEnv(fl, "limit", "CODER_TOKENS_LIMIT")
	return cmd
}

func runList(ctx context.Context, opts *listOptions) error {
	client, err := opts.Client()
	if err != nil {
		return err
	}
	l := &lister{opts: opts, client: client, now: opts.Now()}
	l.includeExpired = opts.IncludeExpired || opts.Filter.needsExpired()
	match := opts.Filter.match(l.now)
	l.keep = func(t sdk.APIKeyWithOwner) bool {
		// Older servers ignore include_expired and always return expired tokens.
		return (l.includeExpired || t.ExpiresAt.After(l.now)) && match(t)
	}

	json := opts.Output.String() == "json"
	transformed := opts.Output.jq.code != nil || opts.Output.template.tmpl != nil
	// The default order (oldest first) needs only a key per row, and JSON none
	// at all; --sort, --limit, --jq and --template need the whole list.
	whole := opts.Sort.field != "" || opts.Limit > 0 || transformed
	switch {
	case json && !whole:
		return l.streamJSON(ctx)
	case !json && !whole:
		return l.table(ctx)
	}
	tokens, err := l.collect(ctx)
	if err != nil {
		return err
	}
	opts.Sort.sort(tokens)
	if opts.Limit > 0 && len(tokens) > opts.Limit {
		tokens = tokens[:opts.Limit]
	}
	if json {
		return opts.Output.writeJSON(opts.IO, tokens)
	}
	if len(tokens) == 0 {
		fmt.Fprintln(opts.IO.ErrOut, "No tokens found.")
		return nil
	}
	return writeTokenTable(opts.IO, opts.Table, l.now, opts.Columns.orDefault(opts.All), tokens)
}

// lister fetches the list as a stream and applies the filters to each entry
// as it is decoded, so what is dropped is never held.
type lister struct {
	opts           *listOptions
	client         *sdk.Client
	now            time.Time
	includeExpired bool
	keep           func(sdk.APIKeyWithOwner) bool
}

func (l *lister) each(ctx context.Context, add func(sdk.APIKeyWithOwner) error, restart func() bool) error {
	return l.client.EachToken(ctx, l.opts.User, sdk.TokensFilter{IncludeAll: l.opts.All, IncludeExpired: l.includeExpired},
		sdk.TokenSink{
			Add: func(t sdk.APIKeyWithOwner) error {
				if !l.keep(t) {
					return nil
				}
				return add(t)
			},
			Restart: restart,
		})
}

// streamJSON writes each entry as it arrives, in the server's order (upstream
// does not sort its JSON either), so memory stays flat at any list size.
func (l *lister) streamJSON(ctx context.Context) error {
	out := newJSONArrayWriter(l.opts.IO.Out)
	if err := l.each(ctx, func(t sdk.APIKeyWithOwner) error { return out.add(t) }, out.restart); err != nil {
		return listError(err, out.dst.n > 0)
	}
	return out.close()
}

// collect returns the kept tokens, for the orders and formats that need all.
func (l *lister) collect(ctx context.Context) ([]sdk.APIKeyWithOwner, error) {
	tokens := []sdk.APIKeyWithOwner{}
	err := l.each(ctx, func(t sdk.APIKeyWithOwner) error { tokens = append(tokens, t); return nil },
		func() bool { tokens = tokens[:0]; return true })
	if err != nil {
		return nil, listError(err, false)
	}
	return tokens, nil
}

// table keeps only the rendered cells of the kept entries (about a third of
// their wire size) and a sort key, and prints them oldest first.
func (l *lister) table(ctx context.Context) error {
	columns := l.opts.Columns.orDefault(l.opts.All)
	times := timeFormatter{relative: l.opts.IO.IsStdoutTTY(), now: l.now}
	layout := l.opts.Table.layoutFor(l.opts.IO, shrinkableColumns...)
	table := newLayoutTable(columns, layout)
	var keys []rowKey
	err := l.each(ctx, func(t sdk.APIKeyWithOwner) error {
		keys = append(keys, rowKey{created: t.CreatedAt.UnixNano(), id: t.ID, row: len(keys)})
		table.addStyledRow(tokenRow(t.APIKey, t.Username, columns, times, layout.listSeparator(), l.now), tokenStyles(t.APIKey, columns, l.now))
		return nil
	}, func() bool {
		table, keys = newLayoutTable(columns, layout), keys[:0]
		return true
	})
	if err != nil {
		return listError(err, false)
	}
	if len(keys) == 0 {
		fmt.Fprintln(l.opts.IO.ErrOut, "No tokens found.")
		return nil
	}
	table.colors = l.opts.IO.colorsOut()
	return table.write(l.opts.IO.Out, sortedRows(keys))
}

func listError(err error, partial bool) error {
	if partial {
		return fmt.Errorf("cannot list tokens: the list broke off after part of it was printed, so the output is incomplete: %w", err)
	}
	return fmt.Errorf("cannot list tokens: %w", err)
}

// rowKey orders rows by creation, then ID, without keeping the token.
type rowKey struct {
	created int64
	id      string
	row     int
}

func sortedRows(keys []rowKey) []int {
	slices.SortFunc(keys, func(a, b rowKey) int {
		return cmp.Or(cmp.Compare(a.created, b.created), strings.Compare(a.id, b.id))
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.row
	}
	return order
}
