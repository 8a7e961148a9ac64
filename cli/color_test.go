package cli

import (
	"bytes"
	"testing"
	"time"
)

func TestColorWanted(t *testing.T) {
	tests := []struct {
		name   string
		env    map[string]string
		tty    bool
		forced bool
		want   bool
	}{
		{name: "terminal", tty: true, want: true},
		{name: "pipe", tty: false, want: false},
		{name: "NO_COLOR on a terminal", env: map[string]string{"NO_COLOR": "1"}, tty: true, want: false},
		{name: "NO_COLOR beats CLICOLOR_FORCE", env: map[string]string{"NO_COLOR": "1", "CLICOLOR_FORCE": "1"}, tty: true, want: false},
		{name: "NO_COLOR beats --force-tty", env: map[string]string{"NO_COLOR": "x"}, forced: true, want: false},
		{name: "TERM=dumb on a terminal", env: map[string]string{"TERM": "dumb"}, tty: true, want: false},
		{name: "CLICOLOR=0 on a terminal", env: map[string]string{"CLICOLOR": "0"}, tty: true, want: false},
		{name: "CLICOLOR_FORCE on a pipe", env: map[string]string{"CLICOLOR_FORCE": "1"}, want: true},
		{name: "CLICOLOR_FORCE=0 forces nothing", env: map[string]string{"CLICOLOR_FORCE": "0"}, want: false},
		{name: "CLICOLOR_FORCE beats TERM=dumb", env: map[string]string{"CLICOLOR_FORCE": "1", "TERM": "dumb"}, want: true},
		{name: "--force-tty on a pipe", forced: true, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := colorWanted(getenv, tt.tty, tt.forced); got != tt.want {
				t.Errorf("colorWanted = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStatusStyle(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		left time.Duration
		want cellStyle
	}{
		{-time.Second, styleExpired},
		{0, styleExpired},
		{time.Hour, styleExpiring},
		{24 * time.Hour, styleExpiring},
		{25 * time.Hour, styleActive},
	} {
		if got := statusStyle(now.Add(tt.left), now); got != tt.want {
			t.Errorf("expires in %s: style %d, want %d", tt.left, got, tt.want)
		}
	}
}

func TestLabelWriterMarksOnlyLineStarts(t *testing.T) {
	var out bytes.Buffer
	w := &labelWriter{w: &out, colors: newPalette(true), atLineStart: true}
	for _, chunk := range []string{"error: a\n", "hint: b\nplain error: c\n", "warning: d", " error: e\n"} {
		if _, err := w.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	want := "\x1b[31merror:\x1b[0m a\n\x1b[2mhint:\x1b[22m b\nplain error: c\n\x1b[33mwarning:\x1b[0m d error: e\n"
	if out.String() != want {
		t.Errorf("got %q\nwant %q", out.String(), want)
	}
}
