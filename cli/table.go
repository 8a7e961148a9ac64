package cli

import (
	"bufio"
	"io"
	"strings"

	"github.com/clipperhouse/displaywidth"

	"github.com/scopedtokens/coder/internal/safetext"
)

// table is the writer behind every table the CLI prints: borderless,
// kubectl-style, upper-case headers, two spaces between columns, "-" for an
// empty cell, no trailing spaces.
//
// Why not tablewriter (the design card's table library), which rendered
// these tables until the 100k-token benchmark: it measured every cell
// through a width cache of 8,192 entries, so a 10k-row list (80,000 cells)
// thrashed the cache and spent ~60% of its CPU measuring; it held each row
// as []any plus its own copies; and its twwidth package's init builds that
// cache on every start (~1.5 ms and 660 KB, measured with
// GODEBUG=inittrace=1), which --version and create paid without printing a
// table. Our tables are plain left-aligned text, so the whole job is: keep
// the cells in one byte arena, measure each cell once as it is added (ASCII
// by length, the rest with displaywidth, tablewriter's own measure), and
// write each line once through a buffered writer. That is O(cells) time and
// about the output's size in memory. table_diff_test.go keeps tablewriter as
// the oracle: for random cells this writer must print exactly what it prints.
type table struct {
	headers []string
	arena   []byte  // every cell's bytes, row after row
	ends    []int   // ends[i] is where cell i stops in arena
	cellW   []int32 // display width of cell i
	widths  []int   // widest cell (or header) per column
	layout  tableLayout

	// styles[i] colours cell i; nil until a row has a style, so plain
	// tables pay nothing. colors decides whether styles and the bold header
	// are printed at all (on a terminal only; see colorWanted).
	styles []cellStyle
	colors *palette
}

// cellStyle is how a cell is coloured on a terminal.
type cellStyle uint8

const (
	stylePlain cellStyle = iota
	styleActive
	styleExpiring
	styleExpired
)

// newTable is an aligned table that is never truncated.
func newTable(headers []string) *table { return newLayoutTable(headers, tableLayout{}) }

func newLayoutTable(headers []string, layout tableLayout) *table {
	t := &table{headers: headers, widths: make([]int, len(headers)), layout: layout}
	for i := range headers {
		t.widths[i] = textWidth(t.label(i))
	}
	return t
}

// addRow stores one row, escaped for the terminal; missing cells are empty
// and extra ones are ignored.
func (t *table) addRow(cells []string) { t.addStyledRow(cells, nil) }

// addStyledRow is addRow with a style per cell (nil or short: plain).
func (t *table) addStyledRow(cells []string, styles []cellStyle) {
	if styles != nil && t.styles == nil {
		t.styles = make([]cellStyle, len(t.ends), cap(t.ends))
	}
	for i := range t.headers {
		if t.styles != nil {
			style := stylePlain
			if i < len(styles) {
				style = styles[i]
			}
			t.styles = append(t.styles, style)
		}
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		// Cells carry server and user text (names, usernames, catalog
		// entries); escaping here means no caller can forget it.
		cell = safetext.Escape(cell)
		if cell == "" {
			cell = "-" // keeps columns aligned for awk and eyes alike
		}
		t.arena = append(t.arena, cell...)
		t.ends = append(t.ends, len(t.arena))
		w := textWidth(cell)
		t.cellW = append(t.cellW, int32(w))
		t.widths[i] = max(t.widths[i], w)
	}
}

func (t *table) rows() int {
	if len(t.headers) == 0 {
		return 0
	}
	return len(t.ends) / len(t.headers)
}

// cell returns the bytes and width of a stored cell.
func (t *table) cell(row, col int) ([]byte, int) {
	i := row*len(t.headers) + col
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.arena[start:t.ends[i]], int(t.cellW[i])
}

// write prints the header and then the rows in the given order (nil: as added).
func (t *table) write(w io.Writer, order []int) error {
	if t.layout.tsv {
		return t.writeTSV(w, order)
	}
	widths := t.fittedWidths()
	bw := bufio.NewWriterSize(w, 64<<10)
	line := make([]byte, 0, 256)
	colored := t.colors != nil && t.colors.enabled
	var paintHeader func(int, []byte) []byte
	if colored {
		paintHeader = func(_ int, text []byte) []byte { return []byte(t.colors.Header(string(text))) }
	}
	if !t.layout.noHeader {
		header := make([][]byte, len(t.headers))
		for i := range t.headers {
			header[i] = []byte(t.label(i))
		}
		line = t.appendLine(line[:0], widths, func(col int) ([]byte, int) {
			return header[col], textWidth(string(header[col]))
		}, paintHeader)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	n := t.rows()
	for k := 0; k < n; k++ {
		row := k
		if order != nil {
			row = order[k]
		}
		var paint func(int, []byte) []byte
		if colored && t.styles != nil {
			paint = func(col int, text []byte) []byte { return t.colors.styled(t.styles[row*len(t.headers)+col], text) }
		}
		line = t.appendLine(line[:0], widths, func(col int) ([]byte, int) { return t.cell(row, col) }, paint)
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// appendLine pads each cell to its column's width plus two spaces, cutting
// cells wider than a fitted column, and trims what trails the last visible
// character. paint (nil: none) colours a cell after it is cut and before it
// is padded, so escape codes are never cut and never count as width.
func (t *table) appendLine(line []byte, widths []int, cell func(col int) ([]byte, int), paint func(col int, text []byte) []byte) []byte {
	for col := range t.headers {
		text, w := cell(col)
		text, w = truncateCell(text, w, widths[col])
		if paint != nil {
			text = paint(col, text)
		}
		line = append(line, text...)
		if col < len(t.headers)-1 {
			line = appendSpaces(line, widths[col]-w+2)
		}
	}
	end := len(line)
	for end > 0 && line[end-1] == ' ' {
		end--
	}
	return append(line[:end], '\n')
}

// label is the header of column i as printed.
func (t *table) label(i int) string {
	h := t.headers[i]
	if l, ok := t.layout.labels[h]; ok {
		h = l
	}
	return strings.ToUpper(h)
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// textWidth is the number of terminal cells s occupies.
func textWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return displaywidth.String(s)
		}
	}
	return len(s)
}
