// Command coder manages scoped API tokens on a Coder deployment.
package main

import (
	"context"
	"os"
	"syscall"

	"github.com/scopedtokens/coder/cli"
)

func main() { os.Exit(run()) }

// run is the whole program; the script tests run it as the coder binary, so
// they see the same interrupt handling as users do.
func run() int { return runWith(cli.Options{}) }

// runWith lets the test binary stand in for parts of the system (the keyring).
func runWith(opts cli.Options) int {
	opts.Signals = []os.Signal{os.Interrupt, syscall.SIGTERM}
	return cli.MainWithOptions(context.Background(), os.Args[1:], cli.SystemIO(), opts)
}
