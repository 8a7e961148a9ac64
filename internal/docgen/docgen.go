// Package docgen writes the man pages and the Markdown command reference
// from the cobra tree ('make docs'). It lives outside package cli so that
// the coder binary does not link cobra/doc and its Markdown and roff
// renderers: their package init (blackfriday's alone ~1 ms) would be paid
// by every command, while only 'make docs' and its staleness test use them.
package docgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// docsDate is the date in the man page headers. A fixed date keeps the
// generated pages byte-for-byte reproducible, so the staleness test only
// fails when the commands or flags really changed.
var docsDate = time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)

// WriteDocs generates the command reference from root: man pages in
// dir/man and Markdown in dir/reference.
func WriteDocs(root *cobra.Command, dir string) error {
	manDir, mdDir := filepath.Join(dir, "man"), filepath.Join(dir, "reference")
	for _, d := range []string{manDir, mdDir} {
		// Start empty, so a removed command leaves no stale page behind.
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	header := &doc.GenManHeader{Title: "CODER", Section: "1", Date: &docsDate, Source: "coder", Manual: "coder manual"}
	if err := doc.GenManTree(root, header, manDir); err != nil {
		return fmt.Errorf("generate man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, mdDir); err != nil {
		return fmt.Errorf("generate the Markdown reference: %w", err)
	}
	// cobra/doc skips help topics; 'coder help formatting' is worth a page.
	for _, topic := range root.Commands() {
		if topic.IsAdditionalHelpTopicCommand() {
			if err := writeTopic(mdDir, topic); err != nil {
				return err
			}
		}
	}
	return nil
}

func writeTopic(dir string, topic *cobra.Command) error {
	var b strings.Builder
	fmt.Fprintf(&b, "## coder help %s\n\n%s\n\n", topic.Name(), topic.Short)
	fmt.Fprintf(&b, "### Synopsis\n\n```\n%s\n```\n\n", topic.Long)
	if topic.Example != "" {
		fmt.Fprintf(&b, "### Examples\n\n```\n%s\n```\n\n", topic.Example)
	}
	b.WriteString("### SEE ALSO\n\n* [coder](coder.md)\t - " + topic.Root().Short + "\n")
	path := filepath.Join(dir, "coder_help_"+topic.Name()+".md")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
