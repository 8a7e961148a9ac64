package scopes

import (
	"cmp"
	"slices"
	"unicode/utf8"
)

// levenshtein is the edit distance between a and b counted in runes
// (insertions, deletions and substitutions each cost 1).
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	curr := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		curr[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			curr[j] = min(prev[j]+1, curr[j-1]+1, prev[j-1]+cost)
		}
		prev, curr = curr, prev
	}
	return prev[len(rb)]
}

// closeEnough is the largest distance still worth suggesting for a word of
// n runes: two typos for short words (a transposition costs 2), a quarter of
// the word for longer ones.
func closeEnough(n int) int { return max(2, n/4) }

// nearest returns up to limit candidates within closeEnough of word, closest
// first, ties in candidate order (callers pass sorted candidates).
func nearest(word string, candidates []string, limit int) []string {
	type scored struct {
		name     string
		distance int
	}
	length := utf8.RuneCountInString(word)
	threshold := closeEnough(length)
	var hits []scored
	for _, candidate := range candidates {
		// The length difference is a lower bound of the distance; skipping
		// on it keeps long garbage input cheap.
		if abs(length-utf8.RuneCountInString(candidate)) > threshold {
			continue
		}
		if d := levenshtein(word, candidate); d <= threshold {
			hits = append(hits, scored{candidate, d})
		}
	}
	slices.SortStableFunc(hits, func(a, b scored) int { return cmp.Compare(a.distance, b.distance) })
	var names []string
	for _, s := range hits[:min(limit, len(hits))] {
		names = append(names, s.name)
	}
	return names
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
