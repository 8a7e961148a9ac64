package cli

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"
)

// DocsRoot is the command tree as a user sees it, with cobra's completion
// command (normally added only when the CLI runs) and no environment read.
func DocsRoot() *cobra.Command {
	streams := &IOStreams{In: strings.NewReader(""), Out: new(bytes.Buffer), ErrOut: new(bytes.Buffer)}
	f := newFactory(streams)
	f.Getenv = func(string) string { return "" }
	root := newRootCommand(f)
	root.InitDefaultCompletionCmd()
	root.DisableAutoGenTag = true
	return root
}
