package cli

import (
	"bytes"
	"strings"

	"github.com/spf13/cobra"
)

// cobra's bash script re-quotes a single completion with printf %q, which
// writes "name,last_used" as "name\,last_used": correct, but not what a
// person expects after -c name,la<TAB>, and it makes the next item's
// completion fail. A comma is special to bash only inside braces, so
// undoing that one escape is safe; every other character stays quoted.
var bashCommaFixes = []struct{ from, to string }{
	{
		`COMPREPLY[0]=$(printf "%q" "${COMPREPLY[0]}")`,
		`COMPREPLY[0]=$(printf "%q" "${COMPREPLY[0]}"); COMPREPLY[0]=${COMPREPLY[0]//\\,/,}`,
	},
	{
		`IFS=$'\n' read -ra COMPREPLY -d '' < <(printf "%q\n" "${COMPREPLY[@]}")`,
		`IFS=$'\n' read -ra COMPREPLY -d '' < <(printf "%q\n" "${COMPREPLY[@]}"); COMPREPLY=("${COMPREPLY[@]//\\,/,}")`,
	},
}

// useCommaFriendlyBash replaces the body of 'coder completion bash' with
// cobra's script, patched as above.
func useCommaFriendlyBash(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		for _, shell := range c.Commands() {
			if shell.Name() != "bash" {
				continue
			}
			shell.RunE = func(cmd *cobra.Command, args []string) error {
				noDesc, _ := cmd.Flags().GetBool("no-descriptions")
				var buf bytes.Buffer
				if err := root.GenBashCompletionV2(&buf, !noDesc); err != nil {
					return err
				}
				script := buf.String()
				for _, fix := range bashCommaFixes {
					script = strings.ReplaceAll(script, fix.from, fix.to)
				}
				_, err := cmd.OutOrStdout().Write([]byte(script))
				return err
			}
			shell.Run = nil
		}
	}
}
