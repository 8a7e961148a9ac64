// Command designcard is the start-up floor for `make bench-e2e`: the smallest
// CLI built from the design-card libraries (cobra, viper, resty,
// tablewriter). Its one subcommand reads a config with viper, fetches a URL
// with resty and renders a table, so the linker keeps the code those
// libraries bring (net/http, crypto/tls, the config codecs), as it does in
// any CLI that uses them; `designcard --version` then pays for what they
// carry and nothing else, which is what `coder --version` is compared with.
//
// (A binary that only imports them, with `_ = resty.New`, lets the linker
// drop nearly all of that code: it measures package init alone, and no CLI
// that uses the libraries is that small.)
package main

import (
	"fmt"
	"os"

	"github.com/go-resty/resty/v2"
	"github.com/olekukonko/tablewriter"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
)

func main() {
	root := &cobra.Command{Use: "designcard", Version: "v0.0.0", Run: func(*cobra.Command, []string) {}}
	root.AddCommand(&cobra.Command{
		Use:  "get URL",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v := viper.New()
			v.SetConfigFile("config.yaml")
			_ = v.ReadInConfig()
			res, err := resty.New().R().SetHeader("Coder-Session-Token", v.GetString("token")).Get(args[0])
			if err != nil {
				return err
			}
			table := tablewriter.NewWriter(cmd.OutOrStdout())
			table.Header("STATUS", "BYTES")
			if err := table.Append(res.Status(), fmt.Sprint(len(res.Body()))); err != nil {
				return err
			}
			return table.Render()
		},
	})
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
