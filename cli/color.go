package cli

import (
	"bytes"
	"io"
	"time"

	"github.com/fatih/color"
)

// palette colours output for people at a terminal and does nothing
// otherwise. Each stream gets its own: `coder tokens ls 2>log` keeps colour
// on stdout and writes a plain log.
type palette struct {
	enabled bool
	bold    *color.Color
	red     *color.Color
	green   *color.Color
	yellow  *color.Color
	dim     *color.Color
}

func newPalette(enabled bool) *palette {
	p := &palette{
		enabled: enabled,
		bold:    color.New(color.Bold),
		red:     color.New(color.FgRed),
		green:   color.New(color.FgGreen),
		yellow:  color.New(color.FgYellow),
		dim:     color.New(color.Faint),
	}
	// The decision is ours (see colorWanted), not fatih/color's global one,
	// which looks at os.Stdout whatever stream is written.
	for _, c := range []*color.Color{p.bold, p.red, p.green, p.yellow, p.dim} {
		if enabled {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
	}
	return p
}

func (p *palette) paint(c *color.Color, s string) string {
	if p == nil || !p.enabled || s == "" {
		return s
	}
	return c.Sprint(s)
}

// Header emphasises a table header line.
func (p *palette) Header(s string) string { return p.paint(p.bold, s) }

// Warning marks the "warning:" label.
func (p *palette) Warning(s string) string { return p.paint(p.yellow, s) }

// Error marks the "error:" label.
func (p *palette) Error(s string) string { return p.paint(p.red, s) }

// Hint de-emphasises the "hint:" label.
func (p *palette) Hint(s string) string { return p.paint(p.dim, s) }

// expiringSoon is when an active token's status turns yellow.
const expiringSoon = 24 * time.Hour

// statusStyle colours a token's status: green while active, yellow within
// a day of expiry, red once expired. The text stays "active"/"expired", so
// scripts and --status see the same words.
func statusStyle(expiresAt, now time.Time) cellStyle {
	switch left := expiresAt.Sub(now); {
	case left <= 0:
		return styleExpired
	case left <= expiringSoon:
		return styleExpiring
	}
	return styleActive
}

// colorWanted decides colour for one stream, by the conventions users set
// once for every tool: NO_COLOR (any value) turns it off, CLICOLOR_FORCE
// (not "0") or --force-tty turn it on, TERM=dumb and CLICOLOR=0 turn it
// off, and otherwise a terminal gets colour and a pipe or file does not.
func colorWanted(getenv func(string) string, isTTY, forced bool) bool {
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case forced || (getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0"):
		return true
	case getenv("TERM") == "dumb" || getenv("CLICOLOR") == "0":
		return false
	}
	return isTTY
}

// setColors decides colour for stdout and stderr once flags, environment
// and --force-tty are known. Stderr's "error:", "warning:" and "hint:"
// labels are marked by wrapping the stream, so no message site can forget.
func (s *IOStreams) setColors(getenv func(string) string, forced bool) {
	s.outColors = newPalette(colorWanted(getenv, s.stdoutTTY, forced))
	errColors := newPalette(colorWanted(getenv, s.stderrTTY, forced))
	if errColors.enabled {
		if _, wrapped := s.ErrOut.(*labelWriter); !wrapped {
			s.ErrOut = &labelWriter{w: s.ErrOut, colors: errColors, atLineStart: true}
		}
	}
}

// colorsOut is the palette for stdout; plain until setColors runs.
func (s *IOStreams) colorsOut() *palette {
	if s.outColors == nil {
		return newPalette(false)
	}
	return s.outColors
}

// labelWriter colours the label that starts a line of stderr.
type labelWriter struct {
	w           io.Writer
	colors      *palette
	atLineStart bool
}

var stderrLabels = []struct {
	label string
	paint func(*palette, string) string
}{
	{"error:", (*palette).Error},
	{"warning:", (*palette).Warning},
	{"hint:", (*palette).Hint},
}

func (l *labelWriter) Write(p []byte) (int, error) {
	n := len(p)
	out := make([]byte, 0, len(p)+16)
	for len(p) > 0 {
		line := p
		if i := bytes.IndexByte(p, '\n'); i >= 0 {
			line = p[:i+1]
		}
		p = p[len(line):]
		if l.atLineStart {
			for _, lb := range stderrLabels {
				if rest, ok := bytes.CutPrefix(line, []byte(lb.label)); ok {
					out = append(out, lb.paint(l.colors, lb.label)...)
					out = append(out, rest...)
					line = nil
					break
				}
			}
		}
		out = append(out, line...)
		l.atLineStart = out[len(out)-1] == '\n'
	}
	if _, err := l.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}

// styled colours a table cell. The caller pads by the plain text's width,
// so escape codes never shift a column.
func (p *palette) styled(style cellStyle, text []byte) []byte {
	var c *color.Color
	switch style {
	case styleActive:
		c = p.green
	case styleExpiring:
		c = p.yellow
	case styleExpired:
		c = p.red
	default:
		return text
	}
	return []byte(p.paint(c, string(text)))
}
