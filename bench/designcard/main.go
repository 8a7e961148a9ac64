// Command designcard is the start-up floor for `make bench-e2e`: a binary that
// links only the design-card libraries (cobra, viper, resty, tablewriter) and
// prints a version, as `coder --version` does. Their package init runs here
// just as it would in any CLI built from them.
package main

import (
	"fmt"
	"os"

	"github.com/go-resty/resty/v2"
	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

// Referenced so the linker keeps each package (and its init).
var (
	_ = resty.New
	_ = tablewriter.NewTable
	_ = viper.New
)

func main() {
	root := &cobra.Command{Use: "designcard", Version: "v0.0.0", Run: func(*cobra.Command, []string) {}}
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
