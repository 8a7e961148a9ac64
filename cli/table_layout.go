package cli

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/clipperhouse/displaywidth"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// tableLayout is how a token table is laid out for where it goes: on a
// terminal, aligned and fitted to its width; piped, tab-separated and whole,
// so `cut -f`, `awk -F'\t'` and `while IFS=$'\t' read` split it reliably.
type tableLayout struct {
	tsv      bool
	width    int      // terminal columns to fit; 0: no limit (--wide)
	shrink   []string // headers of the columns that may be truncated, widest first
	noHeader bool
	labels   map[string]string // header text to print instead, by column
}

// relativeLabels head columns of relative times on a terminal, where
// "EXPIRES  in 5d" reads as a sentence (kubectl's AGE works the same way)
// and the saved width goes to names and scopes.
var relativeLabels = map[string]string{"last used": "used", "expires at": "expires", "created at": "created"}

// minShrunkWidth keeps a truncated column readable ("ci-j…").
const minShrunkWidth = 6

// tableFlags are --wide and --no-header, shared by list and view.
type tableFlags struct {
	wide, noHeader bool
}

func addTableFlags(cmd *cobra.Command) *tableFlags {
	f := &tableFlags{}
	fl := cmd.Flags()
	fl.BoolVar(&f.wide, "wide", false, "On a terminal, show every cell whole instead of truncating to fit its width")
	withEnv(fl, "wide", "CODER_WIDE")
	fl.BoolVar(&f.noHeader, "no-header", false, "Print the rows without the header line")
	withEnv(fl, "no-header", "CODER_NO_HEADER")
	return f
}

// layoutFor picks the layout for the streams: fitted on a terminal (or with
// --force-tty), tab-separated when piped.
func (f *tableFlags) layoutFor(streams *IOStreams, shrink ...string) tableLayout {
	if !streams.IsStdoutTTY() {
		return tableLayout{tsv: true, noHeader: f.noHeader}
	}
	l := tableLayout{shrink: shrink, noHeader: f.noHeader, labels: relativeLabels}
	if !f.wide {
		l.width = streams.TerminalWidth()
	}
	return l
}

// listSeparator joins the values of a list cell: "a, b" for eyes, "a,b" for
// scripts, where a space would split the cell.
func (l tableLayout) listSeparator() string {
	if l.tsv {
		return ","
	}
	return ", "
}

// TerminalWidth is what tables fit and text wraps to: $COLUMNS when set
// (scripts with --force-tty, or a user's choice), else the terminal's width,
// else 80.
func (s *IOStreams) TerminalWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if f, ok := s.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 80
}

// fittedWidths returns the column widths to print. When the table is wider
// than the terminal, the shrinkable columns are capped at one common width,
// the largest that fits (so the widest shrink first and narrow ones stay
// whole), but never below minShrunkWidth; if even that does not fit, the
// terminal wraps, as it would have anyway.
func (t *table) fittedWidths() []int {
	widths := slices.Clone(t.widths)
	if t.layout.width <= 0 || len(widths) == 0 {
		return widths
	}
	total := 2 * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	if total <= t.layout.width {
		return widths
	}
	var shrinkable []int
	fixed := 2 * (len(widths) - 1)
	for i, h := range t.headers {
		if slices.Contains(t.layout.shrink, h) {
			shrinkable = append(shrinkable, i)
		} else {
			fixed += widths[i]
		}
	}
	fits := func(limit int) bool {
		sum := fixed
		for _, i := range shrinkable {
			sum += min(widths[i], limit)
		}
		return sum <= t.layout.width
	}
	lo, hi := minShrunkWidth, 0 // the answer lies in [lo, hi]
	for _, i := range shrinkable {
		hi = max(hi, widths[i])
	}
	if hi <= lo {
		return widths
	}
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fits(mid) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	for _, i := range shrinkable {
		widths[i] = min(widths[i], lo)
	}
	return widths
}

// writeTSV prints the header and rows tab-separated; cells were escaped, so
// none holds a tab or newline.
func (t *table) writeTSV(w io.Writer, order []int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if !t.layout.noHeader {
		for col, h := range t.headers {
			if col > 0 {
				_ = bw.WriteByte('\t')
			}
			_, _ = bw.WriteString(strings.ToUpper(h))
		}
		_ = bw.WriteByte('\n')
	}
	n := t.rows()
	for k := 0; k < n; k++ {
		row := k
		if order != nil {
			row = order[k]
		}
		for col := range t.headers {
			if col > 0 {
				_ = bw.WriteByte('\t')
			}
			text, _ := t.cell(row, col)
			if _, err := bw.Write(text); err != nil {
				return err
			}
		}
		if err := bw.WriteByte('\n'); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// truncateCell cuts text to width cells, ending in "…".
func truncateCell(text []byte, w, width int) ([]byte, int) {
	if w <= width {
		return text, w
	}
	cut := displaywidth.TruncateBytes(text, width, []byte("…"))
	if body, ok := bytes.CutSuffix(cut, []byte("…")); ok {
		// "ALLOW…", not "ALLOW …": a cut at a space reads as a gap.
		cut = append(bytes.TrimRight(body, " "), "…"...)
	}
	return cut, displaywidth.Bytes(cut)
}
