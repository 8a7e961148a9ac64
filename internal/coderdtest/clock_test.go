package coderdtest

import (
	"testing"
	"time"
)

func TestNowFollowsOptionsAndAdvance(t *testing.T) {
	s := NewServer(Options{Now: func() time.Time { return testNow }})
	steps := []struct {
		advance time.Duration
		want    time.Time
	}{
		{0, time.Date(2026, 3, 1, 10, 0, 0, 123456000, time.UTC)},
		{90 * time.Minute, time.Date(2026, 3, 1, 11, 30, 0, 123456000, time.UTC)},
		{24 * time.Hour, time.Date(2026, 3, 2, 11, 30, 0, 123456000, time.UTC)},
	}
	for _, step := range steps {
		s.Advance(step.advance)
		if got := s.Now(); !got.Equal(step.want) || got.Location() != time.UTC {
			t.Fatalf("after advancing %v: Now() = %v, want %v in UTC", step.advance, got, step.want)
		}
	}
}
