package safetext

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain ASCII is kept", "ci-deploy_1.2", "ci-deploy_1.2"},
		{"printable Unicode is kept", "déploiement 東京 🚀", "déploiement 東京 🚀"},
		{"emoji joiner is kept", "👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"},
		{"backslash is kept", `C:\dir`, `C:\dir`},
		{"CSI colour sequence", "\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"OSC title with BEL", "\x1b]0;pwned\x07", `\x1b]0;pwned\x07`},
		{"OSC 8 hyperlink with ST", "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", `\x1b]8;;http://evil\x1b\x\x1b]8;;\x1b\`},
		{"carriage return overwrite", "safe\rEVIL", `safe\rEVIL`},
		{"backspace overwrite", "abc\b\b\bxyz", `abc\x08\x08\x08xyz`},
		{"newline forges a row", "a\nb", `a\nb`},
		{"tab breaks columns", "a\tb", `a\tb`},
		{"NUL", "a\x00b", `a\x00b`},
		{"DEL", "a\x7fb", `a\x7fb`},
		{"C1 CSI as a rune", "a\u009b31mb", `a\u009b31mb`},
		{"C1 NEL", "a\u0085b", `a\u0085b`},
		{"invalid byte that would be C1 in Latin-1", "a\x9bb", `a\x9bb`},
		{"truncated UTF-8", "ok\xe6\x9d", `ok\xe6\x9d`},
		{"right-to-left override", "txt.\u202egpj", `txt.\u202egpj`},
		{"bidi isolate", "a\u2066b\u2069", `a\u2066b\u2069`},
		{"line separator", "a\u2028b", `a\u2028b`},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEscapeLinesKeepsLayoutOnly(t *testing.T) {
	in := "line one\n\tindented\r\x1b[2Kerased"
	want := "line one\n\tindented\\r\\x1b[2Kerased"
	if got := EscapeLines(in); got != want {
		t.Errorf("EscapeLines(%q) = %q, want %q", in, got, want)
	}
}

func TestEscapeDoesNotAllocateForSafeText(t *testing.T) {
	s := "workspace:read ci-token 東京"
	if n := testing.AllocsPerRun(100, func() { _ = Escape(s) }); n != 0 {
		t.Errorf("Escape allocated %v times for text that needs no escaping", n)
	}
}

// terminalSafe reports the first character that could act on a terminal.
func terminalSafe(s string, keepLines bool) (string, bool) {
	if !utf8.ValidString(s) {
		return "invalid UTF-8", false
	}
	for _, r := range s {
		if keepLines && (r == '\n' || r == '\t') {
			continue
		}
		if unsafeRune(r, false) {
			return string(r), false
		}
	}
	return "", true
}

func FuzzEscape(f *testing.F) {
	for _, seed := range []string{"", "plain", "\x1b]0;t\x07", "a\u009bb", "\xff\xfe", "é\u202e", "a\r\nb\b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, keep := range []bool{false, true} {
			got := escape(s, keep)
			if bad, ok := terminalSafe(got, keep); !ok {
				t.Fatalf("escape(%q, %v) = %q still holds %q", s, keep, got, bad)
			}
			// Text that was already safe comes back unchanged.
			if _, ok := terminalSafe(s, keep); ok && got != s {
				t.Fatalf("escape(%q, %v) changed safe text to %q", s, keep, got)
			}
			// Escaping replaces characters with longer visible text and
			// never drops any.
			if len(got) < len(s) {
				t.Fatalf("escape(%q, %v) = %q lost characters", s, keep, got)
			}
			if escape(got, keep) != got {
				t.Fatalf("escape is not idempotent on %q", got)
			}
		}
		if !strings.Contains(Escape(s+"\x1b"), `\x1b`) {
			t.Fatalf("ESC after %q not escaped", s)
		}
	})
}
