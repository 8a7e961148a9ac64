package cli

import (
	"regexp"
	"sync"
)

// lazyRegexp compiles expr on first use. A package-level MustCompile runs in
// package init, which every command pays for at start, even `--version`.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
