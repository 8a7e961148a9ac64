// Command coder manages scoped API tokens on a Coder deployment.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scopedtokens/coder/cli"
)

func main() { os.Exit(run()) }

// run is the whole program; the script tests run it as the coder binary, so
// they see the same interrupt handling as users do.
func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return cli.Main(ctx, os.Args[1:], cli.SystemIO())
}
