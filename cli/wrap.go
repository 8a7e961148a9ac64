package cli

import (
	"bytes"
	"io"
	"strings"
)

// wrapLine breaks line at spaces so that no piece is wider than width cells
// where that is possible; continuation pieces start with indent spaces. A
// word wider than the line (a URL, an ID) is never split, so it still copies
// and pastes whole.
func wrapLine(line string, width, indent int) string {
	if textWidth(line) <= width || width <= indent+10 {
		return line
	}
	lead := len(line) - len(strings.TrimLeft(line, " "))
	var b strings.Builder
	b.WriteString(line[:lead])
	col := lead
	first := true
	for _, word := range strings.Split(line[lead:], " ") {
		w := textWidth(word)
		switch {
		case first:
			first = false
		case col+1+w > width && col > indent:
			b.WriteString("\n" + strings.Repeat(" ", indent))
			col = indent
			if word == "" {
				continue // the gap a break replaced
			}
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += w
	}
	return b.String()
}

// helpIndent continues a flag's description in its column and prose at its
// own indentation; example commands (-1) are left whole for copying.
func helpIndent(line string) int {
	lead := len(line) - len(strings.TrimLeft(line, " "))
	if strings.HasPrefix(line[lead:], "coder ") {
		return -1
	}
	if lead > 0 {
		if gap := strings.Index(line[lead:], "   "); gap > 0 {
			rest := line[lead+gap:]
			return lead + gap + len(rest) - len(strings.TrimLeft(rest, " "))
		}
	}
	return lead
}

// wrapText wraps each line of text; indentFor picks each line's continuation indent.
func wrapText(text string, width int, indentFor func(string) int) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		if indent := indentFor(line); indent >= 0 {
			lines[i] = wrapLine(line, width, indent)
		}
	}
	return strings.Join(lines, "\n")
}

// wrapWriter wraps whole lines written to a terminal's stderr (warnings,
// errors, hints), continuing them two spaces in. A partial line, such as a
// prompt, is passed on at once and unwrapped.
type wrapWriter struct {
	w       io.Writer
	width   int
	pending []byte
}

func (ww *wrapWriter) Write(p []byte) (int, error) {
	ww.pending = append(ww.pending, p...)
	var out []byte
	for {
		i := bytes.IndexByte(ww.pending, '\n')
		if i < 0 {
			break
		}
		line := string(ww.pending[:i])
		lead := len(line) - len(strings.TrimLeft(line, " "))
		out = append(out, wrapLine(line, ww.width, lead+2)...)
		out = append(out, '\n')
		ww.pending = ww.pending[i+1:]
	}
	out = append(out, ww.pending...)
	ww.pending = ww.pending[:0]
	if _, err := ww.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
