package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/sdk"
)

// enumValue is a flag restricted to a fixed set of choices, with an error
// that lists them.
type enumValue struct {
	value   string
	choices []string
}

func newEnum(def string, choices ...string) *enumValue {
	return &enumValue{value: def, choices: choices}
}

func (e *enumValue) String() string { return e.value }
func (e *enumValue) Type() string   { return strings.Join(e.choices, "|") }
func (e *enumValue) Set(s string) error {
	if !slices.Contains(e.choices, s) {
		return fmt.Errorf("want one of %s", strings.Join(e.choices, ", "))
	}
	e.value = s
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeTable renders a borderless, kubectl-style table with upper-case headers.
func writeTable(w io.Writer, headers []string, rows [][]string) error {
	t := newTable(headers)
	for _, row := range rows {
		t.addRow(row)
	}
	return t.write(w, nil)
}

// timeFormatter renders timestamps relative to now for people at a terminal
// and as RFC 3339 for pipes, where scripts parse them.
type timeFormatter struct {
	relative bool
	now      time.Time
}

func (t timeFormatter) format(ts time.Time) string {
	if !t.relative {
		return ts.UTC().Format(time.RFC3339)
	}
	d := ts.Sub(t.now)
	switch {
	case d > -time.Minute && d < time.Minute:
		return "now"
	case d > 0:
		return "in " + lifetime.Format(roughly(d))
	default:
		return lifetime.Format(roughly(-d)) + " ago"
	}
}

// roughly keeps the two largest units, which is what a person reads anyway.
func roughly(d time.Duration) time.Duration {
	for _, unit := range []time.Duration{365 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute} {
		if d >= unit {
			next := unit / 24
			switch unit {
			case 365 * 24 * time.Hour:
				next = 24 * time.Hour
			case time.Hour, time.Minute:
				next = unit / 60
			}
			return d.Truncate(next)
		}
	}
	return d.Truncate(time.Second)
}

// neverUsed reports whether last_used is one of the server's "never" sentinels
// (1970-01-01 on newer servers, 0001-01-01 on older ones) or predates creation.
func neverUsed(lastUsed, created time.Time) bool {
	return lastUsed.IsZero() || !lastUsed.After(time.Unix(0, 0)) || lastUsed.Before(created)
}

// julianYear is the year Coder's defaults are written in: 876600h is
// CODER_MAX_TOKEN_LIFETIME's "100 years" of 365.25 days.
const julianYear = 8766 * time.Hour

// formatLimit renders a server maximum for people. Whole Julian years read as
// "100y" rather than "100y25d"; --lifetime 100y (365-day years) still fits
// under such a limit, so the advice stays valid.
func formatLimit(d time.Duration) string {
	if d > 0 && d%julianYear == 0 && d%(365*24*time.Hour) != 0 {
		return fmt.Sprintf("%dy", d/julianYear)
	}
	return lifetime.Format(d)
}

// jsonArrayWriter writes a JSON array one element at a time, byte for byte
// what writeJSON prints for the whole slice. Output goes through a buffer;
// until the buffer first reaches the terminal the array can start over,
// which is what lets a small list survive a retried connection unchanged.
type jsonArrayWriter struct {
	dst     *countingWriter
	buf     *bufio.Writer
	item    bytes.Buffer
	enc     *json.Encoder
	entries int
}

func newJSONArrayWriter(w io.Writer) *jsonArrayWriter {
	dst := &countingWriter{w: w}
	a := &jsonArrayWriter{dst: dst, buf: bufio.NewWriterSize(dst, 64<<10)}
	a.enc = json.NewEncoder(&a.item)
	a.enc.SetIndent("  ", "  ")
	a.enc.SetEscapeHTML(false)
	return a
}

func (a *jsonArrayWriter) add(v any) error {
	a.item.Reset()
	if t, ok := v.(sdk.APIKeyWithOwner); ok {
		a.item.Write(appendTokenJSON(a.item.AvailableBuffer(), t))
	} else if err := a.enc.Encode(v); err != nil {
		return err
	}
	sep := ",\n  "
	if a.entries == 0 {
		sep = "[\n  "
	}
	a.entries++
	_, _ = a.buf.WriteString(sep)
	_, err := a.buf.Write(bytes.TrimSuffix(a.item.Bytes(), []byte("\n")))
	return err
}

// restart forgets the elements so far, if none has been written out yet.
func (a *jsonArrayWriter) restart() bool {
	if a.dst.n > 0 {
		return false
	}
	a.buf.Reset(a.dst)
	a.entries = 0
	return true
}

func (a *jsonArrayWriter) close() error {
	end := "\n]\n"
	if a.entries == 0 {
		end = "[]\n"
	}
	_, _ = a.buf.WriteString(end)
	return a.buf.Flush()
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
