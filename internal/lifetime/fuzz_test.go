package lifetime

import (
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, that whatever it accepts is
// positive and survives Parse(Format(d)) unchanged, and that it accepts every
// positive duration time.ParseDuration accepts, with the same value. Seeds
// live in testdata/fuzz/FuzzParse and run with plain go test.
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, input string) {
		got, err := Parse(input)
		if err != nil {
			if got != (Lifetime{}) {
				t.Fatalf("Parse(%q) returned %+v alongside error %v", input, got, err)
			}
		} else if !got.Max {
			if got.Duration <= 0 {
				t.Fatalf("Parse(%q) accepted a non-positive duration %v", input, got.Duration)
			}
			formatted := Format(got.Duration)
			again, err := Parse(formatted)
			if err != nil || again != got {
				t.Fatalf("Parse(Format(%d)) = Parse(%q) = %+v, %v", int64(got.Duration), formatted, again, err)
			}
		}

		goDuration, goErr := time.ParseDuration(input)
		if goErr != nil || goDuration <= 0 {
			return
		}
		switch {
		case err == nil && got.Duration == goDuration:
		case err != nil && strings.Contains(err.Error(), "too long"):
			// time.ParseDuration wraps around when pieces add up to
			// exactly 2^64 ns ("9223372036854775808ns" twice); we refuse.
		default:
			t.Fatalf("Parse(%q) = %+v, %v; time.ParseDuration gives %v", input, got, err, goDuration)
		}
	})
}
