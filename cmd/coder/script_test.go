package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/scopedtokens/coder/internal/childproc"
	"github.com/scopedtokens/coder/internal/coderdtest"
)

var updateScripts = flag.Bool("update", false, "rewrite cmp golden sections of testdata/script/*.txtar")

func TestMain(m *testing.M) {
	commands := map[string]func(){
		"coder":     func() { os.Exit(runWith(scriptOptions())) },
		"testchild": func() { os.Exit(testchild()) },
	}
	if _, isCommand := commands[filepath.Base(os.Args[0])]; !isCommand {
		defaultSignalsForChildren()
	}
	testscript.Main(m, commands)
}

// defaultSignalsForChildren: under nohup (as some CI shells and agents run
// go test) the test binary starts with SIGHUP ignored, every coder a script
// runs inherits that, and coder rightly keeps an inherited-ignored signal
// ignored, so the scripts that expect a hangup to arrive would fail. A
// signal caught here is reset to its default across exec, so the scripts'
// processes start as under a terminal; exec_signal.txtar runs nohup itself
// to test the ignored case.
func defaultSignalsForChildren() {
	for _, sig := range childproc.ForwardedSignals {
		if signal.Ignored(sig) {
			signal.Notify(make(chan os.Signal, 1), sig)
		}
	}
}

// TestScripts runs the real binary against internal/coderdtest, one fresh
// server, home and config directory per script.
func TestScripts(t *testing.T) {
	runScripts(t, scriptParams(filepath.Join("..", "..", "testdata", "script")))
}

func runScripts(t *testing.T, p testscript.Params) { testscript.Run(t, p) }

// scriptParams is the environment and commands every script directory gets.
func scriptParams(dir string) testscript.Params {
	return testscript.Params{
		Dir:           dir,
		UpdateScripts: *updateScripts,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			if err := os.MkdirAll(home, 0o700); err != nil {
				return err
			}
			env.Setenv("HOME", home)
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("CONFIG", filepath.Join(home, ".config", "coderv2"))
			// A developer's own Coder environment must not leak into the scripts.
			for _, name := range []string{"CODER_URL", "CODER_SESSION_TOKEN", "CODER_CONFIG_DIR", "CODER_TOKEN_NAME",
				"CODER_TOKEN_LIFETIME", "CODER_TOKEN_USER", "CODER_OUTPUT", "CODER_VERBOSE", "CODER_FORCE_TTY",
				"CODER_PROFILE", "CODER_USE_KEYRING", "TEST_KEYRING", "TEST_BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "CODER_NO_OPEN"} {
				env.Setenv(name, "")
			}
			// A -race binary sleeps 1s at exit by default to flush reports;
			// every coder exec would pay it. Reports still print.
			// Layout is checked without colour; color.txtar unsets this.
			env.Setenv("NO_COLOR", "1")
			env.Setenv("GORACE", "atexit_sleep_ms=0 halt_on_error=1")
			env.Values[serverKey{}] = &serverHolder{}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"coderd":      cmdCoderd,
			"fault":       cmdFault,
			"requests":    cmdRequests,
			"advance":     cmdAdvance,
			"mint":        cmdMint,
			"mintmany":    cmdMintMany,
			"exits":       cmdExits,
			"filemode":    cmdFileMode,
			"nosecret":    cmdNoSecret,
			"tokenstate":  cmdTokenState,
			"reqheader":   cmdReqHeader,
			"reqbody":     cmdReqBody,
			"workspace":   cmdWorkspace,
			"template":    cmdTemplate,
			"group":       cmdGroup,
			"org":         cmdOrg,
			"writekey":    cmdWriteKey,
			"waitfile":    cmdWaitFile,
			"signal":      cmdSignal,
			"readvar":     cmdReadVar,
			"maskedkey":   cmdMaskedKey,
			"waitrequest": cmdWaitRequest,
			"waitfor":     cmdWaitFor,
			"overlapped":  cmdOverlapped,
		},
	}
}

type serverKey struct{}

type serverHolder struct{ srv *coderdtest.Server }

func server(ts *testscript.TestScript) *coderdtest.Server {
	h := ts.Value(serverKey{}).(*serverHolder)
	if h.srv == nil {
		ts.Fatalf("no server: run 'coderd' first")
	}
	return h.srv
}

// coderd [-generation G] [-owner-max D] [-member-max D] [-without ROUTE]... [-scoped-parent]
// [-extra-scopes A,B] [-without-scopes A,B]
// starts a stand-in Coder server and exports CODER_URL, URL_PORT, OWNER_TOKEN,
// MEMBER_TOKEN, OWNER_ID, MEMBER_ID and ORG_ID (the default organization).
func cmdCoderd(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("coderd", flag.ContinueOnError)
	generation := fs.String("generation", string(coderdtest.Current), "server generation")
	ownerMax := fs.Duration("owner-max", 0, "owner maximum token lifetime")
	memberMax := fs.Duration("member-max", 0, "member maximum token lifetime")
	var without stringList
	fs.Var(&without, "without", "route pattern to leave out (repeatable)")
	scopedParent := fs.Bool("scoped-parent", false, "tokens minted by a scoped key inherit within it")
	extraScopes := fs.String("extra-scopes", "", "comma-separated scope names a newer server offers")
	withoutScopes := fs.String("without-scopes", "", "comma-separated snapshot scope names this server does not offer")
	if err := fs.Parse(args); err != nil {
		ts.Fatalf("coderd: %v", err)
	}
	opts := coderdtest.Options{
		Generation:        coderdtest.Generation(*generation),
		OwnerMaxLifetime:  *ownerMax,
		MemberMaxLifetime: *memberMax,
		WithoutRoutes:     without,
		ScopedParent:      *scopedParent,
	}
	if *extraScopes != "" {
		opts.ExtraScopes = strings.Split(*extraScopes, ",")
	}
	if *withoutScopes != "" {
		opts.ScopeCatalog = slices.DeleteFunc(coderdtest.DefaultScopeCatalog(), func(name string) bool {
			return slices.Contains(strings.Split(*withoutScopes, ","), name)
		})
	}
	srv, err := coderdtest.Start(opts)
	ts.Check(err)
	ts.Defer(srv.Close)
	ts.Value(serverKey{}).(*serverHolder).srv = srv
	ts.Setenv("CODER_URL", srv.URL)
	ts.Setenv("URL_PORT", srv.URL[strings.LastIndex(srv.URL, ":")+1:])
	ts.Setenv("OWNER_TOKEN", srv.Owner.SessionToken)
	ts.Setenv("MEMBER_TOKEN", srv.Member.SessionToken)
	ts.Setenv("OWNER_ID", srv.Owner.ID.String())
	ts.Setenv("MEMBER_ID", srv.Member.ID.String())
	ts.Setenv("ORG_ID", srv.DefaultOrganization().ID.String())
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// fault ROUTE key=value... injects a fault: status=N times=N retry-after=S
// html truncate drop delay=D message=M redirect=URL echo body=TEXT hostile
// gzip pad=N (see coderdtest.Fault).
func cmdFault(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: fault ROUTE key=value...")
	}
	f := coderdtest.Fault{Route: args[0]}
	for _, kv := range args[1:] {
		key, value, _ := strings.Cut(kv, "=")
		var err error
		switch key {
		case "status":
			f.Status, err = strconv.Atoi(value)
		case "times":
			f.Times, err = strconv.Atoi(value)
		case "retry-after":
			f.RetryAfter = value
		case "message":
			f.Message = value
		case "delay":
			f.Delay, err = time.ParseDuration(value)
		case "html":
			f.HTML = true
		case "truncate":
			f.Truncate = true
		case "drop":
			f.Drop = true
		case "redirect":
			f.Redirect = value
		case "echo":
			f.Echo = true
		case "body":
			f.Body = value
		case "hostile":
			f.Hostile = true
		case "gzip":
			f.Gzip = true
		case "pad":
			f.Pad, err = strconv.Atoi(value)
		default:
			ts.Fatalf("fault: unknown setting %q", key)
		}
		ts.Check(err)
	}
	server(ts).AddFault(f)
}

// requests ROUTE N asserts how many requests the server saw for a route.
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: requests ROUTE COUNT")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	got := 0
	for _, r := range server(ts).Requests() {
		if args[0] == "*" || r.Route == args[0] {
			got++
		}
	}
	if (got == want) == neg {
		ts.Fatalf("server saw %d requests for %s, want %s%d", got, args[0], map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// overlapped ROUTE ROUTE DELAY asserts that the first requests for the two
// routes arrived less than DELAY apart: with each answer held back by a
// fault of DELAY, they were in flight together rather than one after the
// other.
func cmdOverlapped(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: overlapped ROUTE ROUTE DELAY")
	}
	delay, err := time.ParseDuration(args[2])
	ts.Check(err)
	first := map[string]time.Time{}
	for _, r := range server(ts).Requests() {
		if _, seen := first[r.Route]; !seen {
			first[r.Route] = r.At
		}
	}
	a, b := first[args[0]], first[args[1]]
	if a.IsZero() || b.IsZero() {
		ts.Fatalf("the server saw no request for %s or for %s", args[0], args[1])
	}
	if gap := a.Sub(b).Abs(); gap >= delay {
		ts.Fatalf("%s and %s arrived %v apart with each answer delayed %v: one waited for the other", args[0], args[1], gap, delay)
	}
}

// advance D moves the server clock forward.
func cmdAdvance(ts *testscript.TestScript, neg bool, args []string) {
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	server(ts).Advance(d)
}

// mint owner|member NAME LIFETIME [SCOPES [ALLOW]] seeds a token directly
// and exports its key as $KEY and its ID as $KEY_ID.
func cmdMint(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 3 {
		ts.Fatalf("usage: mint owner|member NAME LIFETIME [SCOPES [ALLOW]]")
	}
	user, d, scopes, allow := mintSpec(ts, args[0], args[2:])
	key := server(ts).MintToken(user, args[1], d, scopes, allow)
	ts.Setenv("KEY", key)
	ts.Setenv("KEY_ID", strings.SplitN(key, "-", 2)[0])
}

// mintmany owner|member N PREFIX LIFETIME [SCOPES [ALLOW]] seeds N tokens
// named PREFIX-1 … PREFIX-N directly in the server, for tests at scale.
func cmdMintMany(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 4 {
		ts.Fatalf("usage: mintmany owner|member N PREFIX LIFETIME [SCOPES [ALLOW]]")
	}
	n, err := strconv.Atoi(args[1])
	ts.Check(err)
	user, d, scopes, allow := mintSpec(ts, args[0], args[3:])
	srv := server(ts)
	for i := 1; i <= n; i++ {
		srv.MintToken(user, args[2]+"-"+strconv.Itoa(i), d, scopes, allow)
	}
}

// mintSpec reads the arguments mint and mintmany share: who the token is
// for, then LIFETIME [SCOPES [ALLOW]] (comma-separated lists).
func mintSpec(ts *testscript.TestScript, who string, rest []string) (coderdtest.User, time.Duration, []string, []string) {
	srv := server(ts)
	user := srv.Owner
	if who == "member" {
		user = srv.Member
	}
	d, err := time.ParseDuration(rest[0])
	ts.Check(err)
	var scopes, allow []string
	if len(rest) > 1 {
		scopes = strings.Split(rest[1], ",")
	}
	if len(rest) > 2 {
		allow = strings.Split(rest[2], ",")
	}
	return user, d, scopes, allow
}

// exits CODE PROGRAM ARGS... runs a program and asserts its exit code.
func cmdExits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	ts.Check(err)
	err = ts.Exec(args[1], args[2:]...)
	got := 0
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		got = exitErr.ExitCode()
	case err != nil:
		ts.Fatalf("exits: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}

// filemode MODE PATH asserts a file's permission bits, e.g. filemode 0600 f.
func cmdFileMode(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filemode MODE PATH")
	}
	want, err := strconv.ParseUint(args[0], 8, 32)
	ts.Check(err)
	info, err := os.Stat(ts.MkAbs(args[1]))
	ts.Check(err)
	if got := info.Mode().Perm(); (uint64(got) == want) == neg {
		ts.Fatalf("%s has mode %04o, want %s%04o", args[1], got, map[bool]string{true: "not ", false: ""}[neg], want)
	}
}

// nosecret VAR [stdout|stderr|FILE]... asserts that the value of $VAR appears
// in none of the named outputs, without ever printing the value.
func cmdNoSecret(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: nosecret VAR stdout|stderr|FILE...")
	}
	secret := ts.Getenv(args[0])
	if len(secret) < 8 {
		ts.Fatalf("nosecret: $%s is empty or too short to be a secret", args[0])
	}
	for _, where := range args[1:] {
		var text string
		switch where {
		case "stdout":
			text = ts.ReadFile("stdout")
		case "stderr":
			text = ts.ReadFile("stderr")
		default:
			text = ts.ReadFile(where)
		}
		// The secret half of a key is what must never leak; its ID is public.
		_, secretPart, found := strings.Cut(secret, "-")
		if !found {
			secretPart = secret
		}
		if strings.Contains(text, secretPart) {
			ts.Fatalf("the value of $%s (%d chars) appears in %s", args[0], len(secret), where)
		}
	}
}

// tokenstate ID active|expired|deleted asserts the server-side state of a token.
func cmdTokenState(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: tokenstate ID active|expired|deleted")
	}
	srv := server(ts)
	token, ok := srv.Token(args[0])
	state := "deleted"
	if ok {
		state = "active"
		if !token.ExpiresAt.After(srv.Now()) {
			state = "expired"
		}
	}
	if (state == args[1]) == neg {
		ts.Fatalf("token %s is %s, want %s", args[0], state, args[1])
	}
}

// reqheader ROUTE NAME VALUE asserts that the most recent request the server
// saw for a route ("*" for any) carried header NAME with VALUE among its values.
func cmdReqHeader(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: reqheader ROUTE NAME VALUE")
	}
	requests := server(ts).Requests()
	for i := len(requests) - 1; i >= 0; i-- {
		r := requests[i]
		if args[0] != "*" && r.Route != args[0] {
			continue
		}
		if slices.Contains(r.Header.Values(args[1]), args[2]) == neg {
			ts.Fatalf("%s %s: header %s is %q, want %s%q", r.Method, r.Path, args[1], r.Header.Values(args[1]),
				map[bool]string{true: "not ", false: ""}[neg], args[2])
		}
		return
	}
	ts.Fatalf("server saw no requests for %s", args[0])
}

// waitfor ROUTE N blocks until the server has seen N requests for ROUTE: the
// readiness signal before interrupting a background command mid-request.
func cmdWaitFor(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waitfor ROUTE COUNT")
	}
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	srv := server(ts)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		got := 0
		for _, r := range srv.Requests() {
			if r.Route == args[0] {
				got++
			}
		}
		if got >= want {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	ts.Fatalf("server saw fewer than %d requests for %s within 10s", want, args[0])
}

// reqbody ROUTE TEXT... asserts that the body of the most recent request the
// server saw for a route contains every TEXT (with ! : none of them).
func cmdReqBody(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: reqbody ROUTE TEXT...")
	}
	requests := server(ts).Requests()
	for i := len(requests) - 1; i >= 0; i-- {
		r := requests[i]
		if r.Route != args[0] {
			continue
		}
		for _, text := range args[1:] {
			if strings.Contains(string(r.Body), text) == neg {
				ts.Fatalf("%s %s: body %s, want it %sto contain %s", r.Method, r.Path, r.Body, map[bool]string{true: "not ", false: ""}[neg], text)
			}
		}
		return
	}
	ts.Fatalf("server saw no requests for %s", args[0])
}
