package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestWrapLine(t *testing.T) {
	tests := []struct {
		line   string
		width  int
		indent int
		want   string
	}{
		{"short stays", 40, 2, "short stays"},
		{"warning: the token expires before the date you asked for", 30, 2,
			"warning: the token expires\n  before the date you asked\n  for"},
		{"see https://coder.example.com/a/very/long/path/that/cannot/break now", 30, 2,
			"see\n  https://coder.example.com/a/very/long/path/that/cannot/break\n  now"},
		{"  -a, --all   List the tokens of all users (needs the Owner role)", 40, 16,
			"  -a, --all   List the tokens of all\n                users (needs the Owner\n                role)"},
	}
	for _, tt := range tests {
		if got := wrapLine(tt.line, tt.width, tt.indent); got != tt.want {
			t.Errorf("wrapLine(%q, %d)\n got %q\nwant %q", tt.line, tt.width, got, tt.want)
		}
	}
}

// TestHelpWrapsOnATerminal: at 60 columns no help line is wider, except a
// single word that cannot break, and flag descriptions continue in their column.
func TestHelpWrapsOnATerminal(t *testing.T) {
	t.Setenv("COLUMNS", "60")
	var out bytes.Buffer
	streams := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: new(bytes.Buffer), stdoutTTY: true}
	if code := Main(context.Background(), []string{"tokens", "ls", "--help"}, streams); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if textWidth(line) > 60 && strings.Contains(strings.TrimSpace(line), " ") && !strings.HasPrefix(strings.TrimSpace(line), "coder ") {
			t.Errorf("line wider than 60: %q", line)
		}
	}
	if !strings.Contains(out.String(), "  -a, --all                        List the tokens of all\n"+strings.Repeat(" ", 35)+"users (needs the Owner") {
		t.Errorf("--all's description does not continue in its column:\n%s", out.String())
	}

	out.Reset()
	streams = &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: new(bytes.Buffer)}
	if code := Main(context.Background(), []string{"tokens", "ls", "--help"}, streams); code != 0 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "List the tokens of all users (needs the Owner role; others see only their own)") {
		t.Error("piped help was wrapped")
	}
}

// TestWrapWriterPassesPromptsThrough: whole lines wrap, a partial line (a
// prompt) is written at once.
func TestWrapWriterPassesPromptsThrough(t *testing.T) {
	var out bytes.Buffer
	w := &wrapWriter{w: &out, width: 30}
	_, _ = w.Write([]byte("warning: the token expires before the date you asked for\nToken: "))
	want := "warning: the token expires\n  before the date you asked\n  for\nToken: "
	if out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}
