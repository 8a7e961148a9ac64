package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// Main runs the CLI with args (without the program name) and returns the
// process exit code.
func Main(ctx context.Context, args []string, streams *IOStreams) int {
	root := NewRootCommand(streams)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(streams.ErrOut, "error:", err)
		return 1
	}
	return 0
}

// NewRootCommand builds the command tree.
func NewRootCommand(streams *IOStreams) *cobra.Command {
	root := &cobra.Command{
		Use:           "coder",
		Short:         "Manage scoped API tokens on a Coder deployment",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(streams.In)
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	return root
}
