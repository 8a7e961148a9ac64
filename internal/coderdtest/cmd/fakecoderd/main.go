// Command fakecoderd serves the in-memory fake Coder server on loopback for manual runs and
// scripted demos. It prints the base URL, the seeded owner's session token and the seeded
// objects (organization, template, workspaces, group) with their IDs, then serves until
// SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/scopedtokens/coder/internal/coderdtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "fakecoderd: %v\n", err)
		os.Exit(1)
	}
}

var generations = map[string]coderdtest.Generation{
	string(coderdtest.Current):     coderdtest.Current,
	string(coderdtest.PreAliasFix): coderdtest.PreAliasFix,
	string(coderdtest.PreExpire):   coderdtest.PreExpire,
	string(coderdtest.PreScopes):   coderdtest.PreScopes,
}

// run serves until ctx is cancelled; stdout receives the url= and owner_session_token=
// lines, then one key=value line per seeded object (name, then id=...).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("fakecoderd", flag.ContinueOnError)
	flags.SetOutput(stderr)
	addr := flags.String("addr", "127.0.0.1:0", "loopback `host:port` to listen on")
	generationName := flags.String("generation", string(coderdtest.Current),
		"server `generation` to imitate: current, pre-alias-fix, pre-expire or pre-scopes")
	seedTokens := flags.Int("seed-tokens", 0, "mint `N` extra tokens for the owner (ci-job-000000, ...), for benchmarks")
	delay := flags.Duration("delay", 0, "wait `duration` before answering each request, to imitate network round trips")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *seedTokens < 0 || *delay < 0 {
		return fmt.Errorf("-seed-tokens and -delay must not be negative")
	}
	generation, ok := generations[*generationName]
	if !ok {
		return fmt.Errorf("unknown generation %q (want current, pre-alias-fix, pre-expire or pre-scopes)", *generationName)
	}
	if err := requireLoopback(*addr); err != nil {
		return err
	}

	server := coderdtest.NewServer(coderdtest.Options{Generation: generation})
	demo := server.SeedDemo()
	server.SeedTokens(server.Owner, *seedTokens)
	if *delay > 0 {
		server.AddFault(coderdtest.Fault{Delay: *delay})
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	server.URL = "http://" + listener.Addr().String()
	httpServer := &http.Server{Handler: server, ReadHeaderTimeout: 10 * time.Second}

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(listener) }()

	if _, err := fmt.Fprintf(stdout, "url=%s\nowner_session_token=%s\n%s", server.URL, server.Owner.SessionToken, announceObjects(demo)); err != nil {
		_ = httpServer.Close()
		return fmt.Errorf("announce server: %w", err)
	}
	if f, ok := stdout.(interface{ Sync() error }); ok {
		_ = f.Sync()
	}

	select {
	case err := <-serveErr:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := httpServer.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// announceObjects lists the seeded objects by the names allow lists use, with their IDs.
func announceObjects(d coderdtest.Demo) string {
	org := d.Organization.Name
	return fmt.Sprintf("organization=%s id=%s\n", org, d.Organization.ID) +
		fmt.Sprintf("template=%s/%s id=%s active_version_id=%s\n", org, d.Template.Name, d.Template.ID, d.Template.ActiveVersionID) +
		fmt.Sprintf("workspace=admin/%s id=%s\n", d.Workspace.Name, d.Workspace.ID) +
		fmt.Sprintf("workspace=member/%s id=%s\n", d.MemberWS.Name, d.MemberWS.ID) +
		fmt.Sprintf("group=%s/%s id=%s\n", org, d.Group.Name, d.Group.ID)
}

// requireLoopback refuses anything that would expose the fake server (and its printed
// owner token) beyond this machine, including an empty host, which means all interfaces.
func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("invalid -addr %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("refusing to listen on non-loopback address %q", addr)
}
