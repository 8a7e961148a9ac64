// Command coder manages scoped API tokens on a Coder deployment.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/scopedtokens/coder/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.SystemIO())
	stop()
	os.Exit(code)
}
