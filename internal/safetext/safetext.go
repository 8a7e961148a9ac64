// Package safetext makes untrusted text safe to print on a terminal.
//
// Token names, usernames, server versions and server error messages come from
// the server or from other users. Printed raw, an ESC or OSC sequence can
// recolour the screen, rewrite the window title, hide text, plant a hyperlink
// or, on some terminals, answer back into the shell; a CR or backspace can
// overwrite what was printed before it. Escape turns every such character into
// visible text, so what the user reads is what the server sent.
//
// The notation, chosen to read like a Go string literal:
//
//	\n \r \t               newline, carriage return, tab
//	\xNN                   any other C0 control (U+0000–U+001F) and DEL (U+007F),
//	                       and each byte that is not part of valid UTF-8
//	\uNNNN                 C1 controls (U+0080–U+009F), bidirectional
//	                       overrides and isolates (U+061C, U+200E, U+200F,
//	                       U+202A–U+202E, U+2066–U+2069) and the line and
//	                       paragraph separators U+2028, U+2029
//
// Hex digits are lower case. Everything else, including printable non-ASCII
// text, emoji (with their joiners) and the backslash itself, is kept as is:
// escaping is for safety, not for round-tripping, so a literal "\x1b" typed
// into a name reads the same as an escaped ESC. JSON output is never passed
// through this package; it carries the exact bytes.
package safetext

import (
	"strings"
	"unicode/utf8"
)

const hexDigits = "0123456789abcdef"

// Escape returns s with every control character, bidirectional override and
// invalid UTF-8 byte written out in the package's notation. Newlines and tabs
// are escaped too: in a table cell or on a one-line message they would forge
// rows or break columns.
func Escape(s string) string { return escape(s, false) }

// EscapeLines is Escape for multi-line text such as a server's error detail:
// it keeps newlines and tabs, which cannot move the cursor over text already
// printed, and escapes everything else Escape does (including CR).
func EscapeLines(s string) string { return escape(s, true) }

// escape is the shared loop; a string that needs nothing is returned without
// allocating, which is the common case for every table cell.
func escape(s string, keepLines bool) string {
	i := firstUnsafe(s, keepLines)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeByte(&b, s[i])
		case unsafeRune(r, keepLines):
			writeRune(&b, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func firstUnsafe(s string, keepLines bool) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || unsafeRune(r, keepLines) {
			return i
		}
		i += size
	}
	return -1
}

func unsafeRune(r rune, keepLines bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !keepLines
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f,
		r >= 0x202a && r <= 0x202e,
		r >= 0x2066 && r <= 0x2069,
		r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

func writeRune(b *strings.Builder, r rune) {
	switch r {
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		if r < 0x80 {
			writeByte(b, byte(r))
			return
		}
		b.WriteString(`\u`)
		for shift := 12; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(r>>shift)&0xf])
		}
	}
}

func writeByte(b *strings.Builder, c byte) {
	b.WriteString(`\x`)
	b.WriteByte(hexDigits[c>>4])
	b.WriteByte(hexDigits[c&0xf])
}
