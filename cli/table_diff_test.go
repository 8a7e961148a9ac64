package cli

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// tablewriterRender is the configuration list, view, scopes and dry-run used
// before table.go. The library stays a test dependency only: as the oracle
// it keeps the faster writer honest, without its init cost in the binary.
func tablewriterRender(headers []string, rows [][]string) (string, error) {
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleNone),
			Settings: tw.Settings{
				Lines:      tw.LinesNone,
				Separators: tw.Separators{BetweenRows: tw.Off, BetweenColumns: tw.Off, ShowHeader: tw.Off},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithTrimSpace(tw.Off),
		tablewriter.WithPadding(tw.Padding{Right: "  ", Overwrite: true}),
	)
	upper := make([]any, len(headers))
	for i, h := range headers {
		upper[i] = strings.ToUpper(h)
	}
	table.Header(upper...)
	for _, row := range rows {
		cells := make([]any, len(row))
		for i, c := range row {
			if c == "" {
				c = "-"
			}
			cells[i] = c
		}
		if err := table.Append(cells...); err != nil {
			return "", err
		}
	}
	if err := table.Render(); err != nil {
		return "", err
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
		out.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	return out.String(), nil
}

// TestTableMatchesTablewriter renders random tables (ASCII, spaces, wide
// CJK, combining marks, emoji, empty cells) with both writers.
func TestTableMatchesTablewriter(t *testing.T) {
	pieces := []string{"a", "Z", "0", ":", "*", ", ", " ", "-", "é", "e\u0301", "名", "前", "🦊", "ß", "workspace:read", ""}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		cols := 1 + rng.IntN(5)
		headers := make([]string, cols)
		for c := range headers {
			headers[c] = fmt.Sprintf("col %d", c)
		}
		rows := make([][]string, rng.IntN(6))
		for r := range rows {
			rows[r] = make([]string, cols)
			for c := range rows[r] {
				var cell strings.Builder
				for n := rng.IntN(5); n > 0; n-- {
					cell.WriteString(pieces[rng.IntN(len(pieces))])
				}
				rows[r][c] = cell.String()
			}
		}
		want, err := tablewriterRender(headers, rows)
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := writeTable(&got, headers, rows); err != nil {
			t.Fatal(err)
		}
		if got.String() != want {
			t.Fatalf("round %d: rows %q\n--- table.go\n%s--- tablewriter\n%s", round, rows, got.String(), want)
		}
	}
}
