// Command imports is the lower start-up floor `make bench-e2e` prints beside
// the main one: a binary that imports the design-card libraries (cobra,
// viper, resty, tablewriter) without using them, so the linker keeps their
// package init and drops nearly all their code. It prints a version, as
// `coder --version` does.
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
	root := &cobra.Command{Use: "designcard-imports", Version: "v0.0.0", Run: func(*cobra.Command, []string) {}}
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
