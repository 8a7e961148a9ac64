// Package lifetime parses and formats token lifetimes (--lifetime).
//
// The grammar is Go's time.ParseDuration plus three units: d (24h), w (7d)
// and y (365d), freely combined ("1d12h", "2w3d", "1y2w", "1.5h"). Unlike
// the upstream CLI it is strict: a missing unit, zero, a negative value,
// spaces and overflow are errors, never a silent 0. The word "max" (any case:
// "max", "MAX", "Max") asks for the server's maximum for the target user.
//
// The package is pure: no I/O.
package lifetime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Lifetime is a parsed --lifetime value: either Max ("the server's maximum
// for the target user", resolved by the caller) or a positive Duration.
type Lifetime struct {
	Max      bool
	Duration time.Duration
}

const (
	day  = 24 * time.Hour
	week = 7 * day
	year = 365 * day

	// maxDuration is the longest time.Duration (about 292 years).
	maxDuration = uint64(1<<63 - 1)

	validUnits = "ns, us, µs, ms, s, m, h, d, w, y"
)

// unitSize maps every accepted unit to nanoseconds. Both micro signs are
// accepted, as time.ParseDuration does.
var unitSize = map[string]uint64{
	"ns":      uint64(time.Nanosecond),
	"us":      uint64(time.Microsecond),
	"\u00b5s": uint64(time.Microsecond), // µ MICRO SIGN
	"\u03bcs": uint64(time.Microsecond), // μ GREEK SMALL LETTER MU
	"ms":      uint64(time.Millisecond),
	"s":       uint64(time.Second),
	"m":       uint64(time.Minute),
	"h":       uint64(time.Hour),
	"d":       uint64(day),
	"w":       uint64(week),
	"y":       uint64(year),
}

// nextSmaller suggests the unit a trailing bare number most likely meant
// ("1h30" → "1h30m").
var nextSmaller = map[string]string{
	"y": "d", "w": "d", "d": "h", "h": "m", "m": "s", "s": "ms",
	"ms": "us", "us": "ns", "\u00b5s": "ns", "\u03bcs": "ns",
}

// spelledUnits maps words people type to the unit they mean.
var spelledUnits = map[string]string{
	"sec": "s", "secs": "s", "second": "s", "seconds": "s",
	"min": "m", "mins": "m", "minute": "m", "minutes": "m",
	"hr": "h", "hrs": "h", "hour": "h", "hours": "h",
	"day": "d", "days": "d",
	"wk": "w", "wks": "w", "week": "w", "weeks": "w",
	"yr": "y", "yrs": "y", "year": "y", "years": "y",
}

// Parse parses a --lifetime value. See the package documentation for the
// grammar; every error names the input and says how to fix it.
func Parse(s string) (Lifetime, error) {
	switch {
	case s == "":
		return Lifetime{}, fmt.Errorf(`lifetime is empty; want a duration such as 30d, 12h or 1y, or "max"`)
	case strings.EqualFold(s, "max"):
		return Lifetime{Max: true}, nil
	case strings.ContainsFunc(s, unicode.IsSpace):
		return Lifetime{}, fmt.Errorf("invalid lifetime %q: spaces are not allowed; did you mean %q?", s, strings.Join(strings.Fields(s), ""))
	case s[0] == '-':
		return Lifetime{}, fmt.Errorf("invalid lifetime %q: it must be positive", s)
	}

	rest := strings.TrimPrefix(s, "+")
	if rest == "" {
		return Lifetime{}, fmt.Errorf("invalid lifetime %q: want a number and a unit, e.g. 30d", s)
	}
	var (
		total    uint64
		lastUnit string
	)
	for rest != "" {
		number, afterNumber := splitNumber(rest)
		if number == "" || number == "." {
			return Lifetime{}, fmt.Errorf("invalid lifetime %q: expected a number at %q; want <number><unit>, e.g. 30d", s, rest)
		}
		unit, afterUnit := splitUnit(afterNumber)
		if unit == "" && strings.HasPrefix(afterNumber, ".") {
			return Lifetime{}, fmt.Errorf(`invalid lifetime %q: a number may contain only one "."`, s)
		}
		if unit == "" && lastUnit == "" && strings.Trim(number, "0.") == "" {
			return Lifetime{}, fmt.Errorf("invalid lifetime %q: it must be longer than zero", s)
		}
		if unit == "" {
			return Lifetime{}, missingUnitError(s, number, lastUnit)
		}
		size, ok := unitSize[unit]
		if !ok {
			return Lifetime{}, unknownUnitError(s, unit)
		}
		v, ok := scale(number, size)
		if !ok || v > maxDuration-total {
			return Lifetime{}, tooLongError(s)
		}
		total += v
		lastUnit, rest = unit, afterUnit
	}
	if total == 0 {
		return Lifetime{}, fmt.Errorf("invalid lifetime %q: it must be longer than zero", s)
	}
	return Lifetime{Duration: time.Duration(total)}, nil
}

// splitNumber splits s after its leading decimal number, digits with at
// most one '.' ("1.5h" → "1.5", "h").
func splitNumber(s string) (number, rest string) {
	i, dot := 0, false
	for i < len(s) && (isDigit(s[i]) || s[i] == '.' && !dot) {
		dot = dot || s[i] == '.'
		i++
	}
	return s[:i], s[i:]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// splitUnit splits s before the next number, as time.ParseDuration does: a
// unit is everything up to the next digit or '.'.
func splitUnit(s string) (unit, rest string) {
	i := 0
	for i < len(s) && !isDigit(s[i]) && s[i] != '.' {
		i++
	}
	return s[:i], s[i:]
}

// scale converts a decimal number of units of size nanoseconds to
// nanoseconds, reporting false on overflow. Fractions are computed like time.ParseDuration so the shared units
// give identical results.
func scale(number string, size uint64) (uint64, bool) {
	intPart, fracPart, _ := strings.Cut(number, ".")
	var whole uint64
	if intPart != "" {
		n, err := strconv.ParseUint(intPart, 10, 64)
		if err != nil || n > maxDuration/size {
			return 0, false
		}
		whole = n * size
	}
	// Digits beyond uint64 precision cannot change the result; like Go,
	// stop accumulating once another digit would overflow.
	var frac, denominator uint64 = 0, 1
	for _, c := range []byte(fracPart) {
		next := frac*10 + uint64(c-'0')
		if frac > (1<<63-1)/10 || next > 1<<63 {
			break
		}
		frac, denominator = next, denominator*10
	}
	if frac > 0 {
		whole += uint64(float64(frac) * (float64(size) / float64(denominator)))
		if whole > maxDuration {
			return 0, false
		}
	}
	return whole, true
}

func missingUnitError(s, number, lastUnit string) error {
	if lastUnit == "" {
		return fmt.Errorf("invalid lifetime %q: missing unit; did you mean %q? (valid units: %s)", s, s+"d", validUnits)
	}
	if next, ok := nextSmaller[lastUnit]; ok {
		return fmt.Errorf("invalid lifetime %q: missing unit after %q; did you mean %q? (valid units: %s)", s, number, s+next, validUnits)
	}
	return fmt.Errorf("invalid lifetime %q: missing unit after %q (valid units: %s)", s, number, validUnits)
}

func unknownUnitError(s, unit string) error {
	lower := strings.ToLower(unit)
	var hint string
	switch {
	case unit == "M" || lower == "mo" || lower == "mon" || lower == "month" || lower == "months":
		hint = `months are not supported because their length varies; use days or weeks, e.g. 30d or 4w ("m" is minutes)`
	case spelledUnits[lower] != "":
		hint = fmt.Sprintf("use %q for %s", spelledUnits[lower], lower)
	case strings.ContainsAny(unit, "+-"):
		hint = "a sign may only lead the whole value, and a lifetime must be positive"
	case unitSize[lower] != 0:
		hint = fmt.Sprintf("units are lower case: use %q", lower)
	}
	msg := fmt.Sprintf("invalid lifetime %q: unknown unit %q", s, unit)
	if hint != "" {
		msg += "; " + hint
	}
	return fmt.Errorf("%s; valid units are %s", msg, validUnits)
}

func tooLongError(s string) error {
	return fmt.Errorf("invalid lifetime %q: too long; the longest possible is %s (about 292 years)", s, Format(time.Duration(maxDuration)))
}

// formatUnits are the units Format uses, largest first. Weeks are
// deliberately left out: "14d" reads more plainly than "2w", and days match
// how servers configure maximum lifetimes.
var formatUnits = []struct {
	name string
	size uint64
}{
	{"y", uint64(year)},
	{"d", uint64(day)},
	{"h", uint64(time.Hour)},
	{"m", uint64(time.Minute)},
}

// Format renders d for humans, largest units first and zero parts dropped:
// 168h → "7d", 36h → "1d12h", 90s → "1m30s", 876000h → "100y". A year is 365
// days, so Coder's default maximum of 876600h (100 × 365.25 days) is
// "100y25d". Weeks are never used. Seconds keep Go's fractional form
// ("1h0.5s"), and durations under a second are rendered exactly as
// time.Duration.String does ("1.5ms", "500ns"). For every d that Parse
// accepts, Parse(Format(d)) returns d.
func Format(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d < 0:
		// -d overflows for the minimum Duration; go through uint64.
		return "-" + formatPositive(uint64(-(d+1))+1)
	}
	return formatPositive(uint64(d))
}

func formatPositive(n uint64) string {
	if n < uint64(time.Second) {
		return time.Duration(n).String()
	}
	var b strings.Builder
	for _, unit := range formatUnits {
		if count := n / unit.size; count > 0 {
			b.WriteString(strconv.FormatUint(count, 10))
			b.WriteString(unit.name)
			n -= count * unit.size
		}
	}
	if n > 0 {
		b.WriteString(strconv.FormatUint(n/uint64(time.Second), 10))
		if frac := n % uint64(time.Second); frac > 0 {
			b.WriteByte('.')
			b.WriteString(strings.TrimRight(fmt.Sprintf("%09d", frac), "0"))
		}
		b.WriteByte('s')
	}
	return b.String()
}
