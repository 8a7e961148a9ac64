// Command gendocs writes the man pages and Markdown command reference into
// the directory given ('make docs' runs it with docs/).
package main

import (
	"fmt"
	"os"

	"github.com/scopedtokens/coder/cli"
	"github.com/scopedtokens/coder/internal/docgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	if err := docgen.WriteDocs(cli.DocsRoot(), os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
