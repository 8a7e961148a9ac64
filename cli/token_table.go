package cli

// The token table that list and view share: which columns exist, the
// -c/--column flag that picks them, and how a token becomes a row.

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/sdk"
)

// Table columns of list and view, in display order. Names keep upstream's
// spelling (with spaces); `_` and `-` spellings are accepted too.
var tokenColumns = []string{"id", "name", "scopes", "allow list", "last used", "expires at", "created at", "status", "owner"}

// columnsValue is the -c/--column flag: a comma-separated subset of tokenColumns.
type columnsValue struct{ columns []string }

func (c *columnsValue) String() string { return strings.Join(c.columns, ",") }
func (c *columnsValue) Type() string   { return "columns" }
func (c *columnsValue) Set(s string) error {
	var cols []string
	for _, raw := range strings.Split(s, ",") {
		name := canonicalColumn(raw)
		if name == "" {
			continue
		}
		if !slices.Contains(tokenColumns, name) {
			return fmt.Errorf("unknown column %q: want some of %s", strings.TrimSpace(raw), strings.Join(columnFlagNames(), ", "))
		}
		cols = append(cols, name)
	}
	if len(cols) == 0 {
		return fmt.Errorf("no columns given: want some of %s", strings.Join(columnFlagNames(), ", "))
	}
	c.columns = cols
	return nil
}

func canonicalColumn(s string) string {
	return strings.NewReplacer("_", " ", "-", " ").Replace(strings.ToLower(strings.TrimSpace(s)))
}

// columnFlagNames spells columns the way that needs no shell quoting.
func columnFlagNames() []string {
	out := make([]string, len(tokenColumns))
	for i, c := range tokenColumns {
		out[i] = strings.ReplaceAll(c, " ", "_")
	}
	return out
}

func addColumnsFlag(cmd *cobra.Command) *columnsValue {
	v := &columnsValue{}
	cmd.Flags().VarP(v, "column", "c", "Columns to show: "+strings.Join(columnFlagNames(), ",")+" (comma-separated)")
	withEnv(cmd.Flags(), "column", "CODER_COLUMNS")
	_ = cmd.RegisterFlagCompletionFunc("column", completeColumns)
	return v
}

// writeTokenTable renders tokens with the chosen columns: fitted to the
// terminal with relative times, or tab-separated with RFC 3339 times.
func writeTokenTable(streams *IOStreams, flags *tableFlags, now time.Time, columns []string, tokens []sdk.APIKeyWithOwner) error {
	times := timeFormatter{relative: streams.IsStdoutTTY(), now: now}
	layout := flags.layoutFor(streams, shrinkableColumns...)
	table := newLayoutTable(columns, layout)
	for _, t := range tokens {
		table.addStyledRow(tokenRow(t.APIKey, t.Username, columns, times, layout.listSeparator(), now), tokenStyles(t.APIKey, columns, now))
	}
	table.colors = streams.colorsOut()
	return table.write(streams.Out, nil)
}

// shrinkableColumns may be cut with "…" to fit a terminal; the others (ID,
// times, status) are short and what a reader scans for.
var shrinkableColumns = []string{"name", "scopes", "allow list", "owner"}

// tokenStyles colours the status cell of a token's row.
func tokenStyles(t sdk.APIKey, columns []string, now time.Time) []cellStyle {
	i := slices.Index(columns, "status")
	if i < 0 {
		return nil
	}
	styles := make([]cellStyle, len(columns))
	styles[i] = statusStyle(t.ExpiresAt, now)
	return styles
}

// orDefault returns the chosen columns, or every column but the owner, which
// only listing everyone's tokens adds. That is decided from the parsed value
// (flag, env or config), not by sniffing argv as upstream does.
func (c *columnsValue) orDefault(withOwner bool) []string {
	if len(c.columns) > 0 {
		return c.columns
	}
	cols := slices.DeleteFunc(slices.Clone(tokenColumns), func(c string) bool { return c == "owner" })
	if withOwner {
		cols = append(cols, "owner")
	}
	return cols
}

func tokenRow(t sdk.APIKey, owner string, columns []string, times timeFormatter, sep string, now time.Time) []string {
	row := make([]string, len(columns))
	for i, col := range columns {
		switch col {
		case "id":
			row[i] = t.ID
		case "name":
			row[i] = t.TokenName
		case "scopes":
			row[i] = joinSorted(t.Scopes, sep)
			if t.Scopes == nil && t.Scope != "" {
				row[i] = t.Scope // older servers have only the legacy single scope
			}
		case "allow list":
			row[i] = joinSorted(wireStrings(t.AllowList), sep)
		case "last used":
			row[i] = "never"
			if !neverUsed(t.LastUsed, t.CreatedAt) {
				row[i] = times.format(t.LastUsed)
			}
		case "expires at":
			row[i] = times.format(t.ExpiresAt)
		case "created at":
			row[i] = times.format(t.CreatedAt)
		case "status":
			row[i] = "active"
			if !t.ExpiresAt.After(now) {
				row[i] = "expired"
			}
		case "owner":
			row[i] = owner
		}
	}
	return row
}

func joinSorted(values []string, sep string) string {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return strings.Join(sorted, sep)
}
