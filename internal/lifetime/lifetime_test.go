package lifetime

import (
	"testing"
	"time"
)

func TestParseAccepts(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"8h", 8 * time.Hour},
		{"30d", 30 * day},
		{"1w", 7 * day},
		{"2w3d", 17 * day},
		{"1y", 365 * day},
		{"1y2w", 379 * day},
		{"1d12h", 36 * time.Hour},
		{"1d12h30m", 36*time.Hour + 30*time.Minute},
		{"1.5h", 90 * time.Minute},
		{"1.5d", 36 * time.Hour},
		{".5h", 30 * time.Minute},
		{"5.h", 5 * time.Hour},
		{"+1h", time.Hour},
		{"1h1h", 2 * time.Hour}, // repeated units add up, as in Go
		{"10ms", 10 * time.Millisecond},
		{"1µs10us", 11 * time.Microsecond},
		{"1μs", time.Microsecond}, // Greek mu, also accepted by Go
		{"90s", 90 * time.Second},
		{"292y", 292 * 365 * day},
		{"9223372036854775807ns", time.Duration(1<<63 - 1)},
		{"292y171d23h47m16.854775807s", time.Duration(1<<63 - 1)},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got != (Lifetime{Duration: tt.want}) {
			t.Errorf("Parse(%q) = %+v, want %v", tt.in, got, tt.want)
		}
		if goDuration, err := time.ParseDuration(tt.in); err == nil && goDuration != tt.want {
			t.Errorf("Parse(%q) = %v disagrees with time.ParseDuration = %v", tt.in, tt.want, goDuration)
		}
	}
}

func TestParseMaxIgnoresCase(t *testing.T) {
	for _, in := range []string{"max", "MAX", "Max"} {
		got, err := Parse(in)
		if err != nil || got != (Lifetime{Max: true}) {
			t.Errorf("Parse(%q) = %+v, %v; want Max", in, got, err)
		}
	}
}

func TestParseRejects(t *testing.T) {
	const units = "ns, us, µs, ms, s, m, h, d, w, y"
	tests := []struct {
		in   string
		want string
	}{
		{"", `lifetime is empty; want a duration such as 30d, 12h or 1y, or "max"`},
		{"30", `invalid lifetime "30": missing unit; did you mean "30d"? (valid units: ` + units + `)`},
		{"1h30", `invalid lifetime "1h30": missing unit after "30"; did you mean "1h30m"? (valid units: ` + units + `)`},
		{"1y30", `invalid lifetime "1y30": missing unit after "30"; did you mean "1y30d"? (valid units: ` + units + `)`},
		{"0", `invalid lifetime "0": it must be longer than zero`},
		{"0d", `invalid lifetime "0d": it must be longer than zero`},
		{"0h0m", `invalid lifetime "0h0m": it must be longer than zero`},
		{"-1h", `invalid lifetime "-1h": it must be positive`},
		{"-2h10m", `invalid lifetime "-2h10m": it must be positive`},
		{"1h-30m", `invalid lifetime "1h-30m": unknown unit "h-"; a sign may only lead the whole value, and a lifetime must be positive; valid units are ` + units},
		{"1 d", `invalid lifetime "1 d": spaces are not allowed; did you mean "1d"?`},
		{" 7d", `invalid lifetime " 7d": spaces are not allowed; did you mean "7d"?`},
		{"10x", `invalid lifetime "10x": unknown unit "x"; valid units are ` + units},
		{"6mo", `invalid lifetime "6mo": unknown unit "mo"; months are not supported because their length varies; use days or weeks, e.g. 30d or 4w ("m" is minutes); valid units are ` + units},
		{"6M", `invalid lifetime "6M": unknown unit "M"; months are not supported because their length varies; use days or weeks, e.g. 30d or 4w ("m" is minutes); valid units are ` + units},
		{"1D", `invalid lifetime "1D": unknown unit "D"; units are lower case: use "d"; valid units are ` + units},
		{"2days", `invalid lifetime "2days": unknown unit "days"; use "d" for days; valid units are ` + units},
		{"h", `invalid lifetime "h": expected a number at "h"; want <number><unit>, e.g. 30d`},
		{"1h|2h", `invalid lifetime "1h|2h": unknown unit "h|"; valid units are ` + units},
		{"+", `invalid lifetime "+": want a number and a unit, e.g. 30d`},
		{"1.2.3h", `invalid lifetime "1.2.3h": a number may contain only one "."`},
		{"300y", `invalid lifetime "300y": too long; the longest possible is 292y171d23h47m16.854775807s (about 292 years)`},
		{"200y200y", `invalid lifetime "200y200y": too long; the longest possible is 292y171d23h47m16.854775807s (about 292 years)`},
		{"9223372036854775808ns", `invalid lifetime "9223372036854775808ns": too long; the longest possible is 292y171d23h47m16.854775807s (about 292 years)`},
		{"99999999999999999999999h", `invalid lifetime "99999999999999999999999h": too long; the longest possible is 292y171d23h47m16.854775807s (about 292 years)`},
		{"maximum", `invalid lifetime "maximum": expected a number at "maximum"; want <number><unit>, e.g. 30d`},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", tt.in, got)
			continue
		}
		if got != (Lifetime{}) {
			t.Errorf("Parse(%q) returned %+v alongside an error", tt.in, got)
		}
		if err.Error() != tt.want {
			t.Errorf("Parse(%q) error\n got: %s\nwant: %s", tt.in, err, tt.want)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{500 * time.Nanosecond, "500ns"},
		{1500 * time.Microsecond, "1.5ms"},
		{time.Second, "1s"},
		{45 * time.Second, "45s"},
		{90 * time.Second, "1m30s"},
		{90 * time.Minute, "1h30m"},
		{36 * time.Hour, "1d12h"},
		{7 * day, "7d"},   // weeks are never used
		{14 * day, "14d"}, // ditto
		{876000 * time.Hour, "100y"},
		{876600 * time.Hour, "100y25d"}, // Coder's default maximum: 100 × 365.25 days
		{time.Hour + 500*time.Millisecond, "1h0.5s"},
		{time.Minute + time.Nanosecond, "1m0.000000001s"},
		{time.Duration(1<<63 - 1), "292y171d23h47m16.854775807s"},
		{-90 * time.Minute, "-1h30m"},
		{time.Duration(-1 << 63), "-292y171d23h47m16.854775808s"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%d) = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for _, d := range []time.Duration{
		time.Nanosecond, 999 * time.Nanosecond, 1234567 * time.Nanosecond, time.Second + time.Nanosecond,
		59*time.Minute + 59*time.Second + 999*time.Millisecond, 876600 * time.Hour, time.Duration(1<<63 - 1),
	} {
		got, err := Parse(Format(d))
		if err != nil || got.Duration != d {
			t.Errorf("Parse(Format(%d)) = %v, %v; Format gave %q", int64(d), got.Duration, err, Format(d))
		}
	}
}
