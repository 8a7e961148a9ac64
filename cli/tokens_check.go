package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

type checkOptions struct {
	IO          *IOStreams
	Getenv      func(string) string
	Credentials func() (*credentials, error)
	NewClient   func(u *url.URL, token string) *sdk.Client

	KeyFile string
	Can     []string
	Output  *outputFlags
}

func newTokensCheckCommand(f *Factory) *cobra.Command {
	opts := &checkOptions{IO: f.IO, Getenv: f.Getenv, Credentials: f.credentials, NewClient: f.newClient}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Ask the server what a token can actually do",
		Long: `Ask the server's own authorization engine (POST /api/v2/authcheck) what a key may do,
judged by its owner's roles, its scopes and its allow list. The request is made with the
key under test, so the answer is the key's, not yours.

The key is read from --key-file (a path, or - for standard input) or from
$CODER_SESSION_TOKEN; never from the command line. The logged-in session reads the
key's metadata and looks up names; without one, the key itself is used.

--can ACTION:TYPE:REF (repeatable) names the checks; REF is a UUID, * or, for
workspace, template, user, organization, group and organization_member, a name as
--allow takes it (workspace:alice/dev, template:docker, user:me). Without --can, every
action the key's scopes grant on every allow-list entry is checked, plus the template
and owner reads its workspaces need. Entries the server cannot check by ID are listed
as not checked.

Exit status 7 means the checks ran and at least one answer was no.`,
		Example: `  # Does the CI key work for the workspace it was made for?
  coder tokens check --key-file ci.key

  # Ask specific questions, reading the key from stdin
  pass show coder/ci | coder tokens check --key-file - --can ssh:workspace:alice/dev --can read:template:docker`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCheck(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.KeyFile, "key-file", "", "Read the key to check from this `file`, or from stdin with -")
	withoutEnv(fl, "key-file", "the key comes from $CODER_SESSION_TOKEN when --key-file is not given")
	fl.StringArrayVar(&opts.Can, "can", nil, "Check `ACTION:TYPE:REF`, e.g. ssh:workspace:alice/dev (repeatable)")
	withoutEnv(fl, "can", "checks are written for one key")
	opts.Output = addOutputFlag(cmd, "table", "json")
	return cmd
}

// canCheck is one --can value, parsed before any request.
type canCheck struct {
	written string
	action  string
	entry   scopes.AllowEntry // may be named
}

func parseCan(catalog *scopes.Catalog, values []string) ([]canCheck, error) {
	var out []canCheck
	var errs []error
	for _, v := range values {
		action, rest, ok := strings.Cut(strings.TrimSpace(v), ":")
		if !ok || action == "" || !strings.Contains(rest, ":") {
			errs = append(errs, fmt.Errorf("--can %q: want ACTION:TYPE:REF, e.g. ssh:workspace:alice/dev", v))
			continue
		}
		entries, err := scopes.ParseAllowListWithNames(catalog, []string{rest})
		if err != nil {
			errs = append(errs, fmt.Errorf("--can %q: %w", v, err))
			continue
		}
		e := entries[0]
		if e.Type == "*" {
			errs = append(errs, fmt.Errorf("--can %q: name one resource type, e.g. read:workspace:*", v))
			continue
		}
		if actions := catalog.Actions(e.Type); !slices.Contains(actions, action) {
			errs = append(errs, fmt.Errorf("--can %q: %s objects have no action %q; they have %s", v, e.Type, action, strings.Join(actions, ", ")))
			continue
		}
		if e.ID != "*" && !slices.Contains(sdk.AuthCheckResourceIDTypes, e.Type) && e.Type != "organization" && e.Type != "organization_member" {
			errs = append(errs, fmt.Errorf("--can %q: the server checks %s objects only by owner and organization, not by ID; use %s:%s:* (your own, in the default organization)",
				v, e.Type, action, e.Type))
			continue
		}
		out = append(out, canCheck{written: action + ":" + e.Written(), action: action, entry: e})
	}
	if len(errs) > 0 {
		return nil, asUsage(errors.Join(errs...))
	}
	return out, nil
}

// checkKey reads the key under test from --key-file or $CODER_SESSION_TOKEN.
func checkKey(opts *checkOptions) (key, source string, err error) {
	if opts.KeyFile != "" {
		data, err := readSecret(opts.KeyFile, opts.IO.In)
		if err != nil {
			return "", "", err
		}
		key, source = data, tokenFileLabel(opts.KeyFile)+" (--key-file)"
	} else {
		key, source = strings.TrimSpace(opts.Getenv("CODER_SESSION_TOKEN")), "$CODER_SESSION_TOKEN"
		if key == "" {
			return "", "", usageErrorf("no key to check: pass --key-file PATH (or - for standard input), or set $CODER_SESSION_TOKEN; keys are never taken from the command line")
		}
	}
	if _, _, ok := sdk.SplitToken(key); !ok {
		return "", "", usageErrorf("the key from %s is not a Coder API key: want <10-character ID>-<22-character secret>", source)
	}
	return key, source, nil
}

func readSecret(path string, stdin io.Reader) (string, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(stdin, 64<<10))
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return "", usageErrorf("cannot read the key from %s: %w", tokenFileLabel(path), err)
	}
	key := strings.TrimSpace(string(data))
	if key == "" {
		return "", usageErrorf("no key in %s", tokenFileLabel(path))
	}
	return key, nil
}

func runCheck(ctx context.Context, opts *checkOptions) error {
	catalog := scopes.Snapshot()
	cans, err := parseCan(catalog, opts.Can)
	if err != nil {
		return err
	}
	key, source, err := checkKey(opts)
	if err != nil {
		return err
	}
	creds, err := opts.Credentials()
	if err != nil {
		return err
	}
	keyClient := opts.NewClient(creds.url, key)
	session := keyClient
	if creds.token != "" && creds.token != key {
		session = opts.NewClient(creds.url, creds.token)
	}

	meta, metaErr := keyMetadata(ctx, session, keyClient, key)
	claims := workflow.Claims{Catalog: catalog}
	if metaErr == nil {
		claims.Scopes, claims.AllowList = keyClaims(meta)
	}
	if org, err := session.Organization(ctx, "default"); err == nil {
		claims.OrganizationID = org.ID.String()
	}

	var results []workflow.CheckResult
	var skipped []workflow.Skipped
	if len(cans) > 0 {
		owner := "" // "me": without metadata, the key's owner is the caller only if the key is the session
		if metaErr == nil {
			owner = meta.UserID.String()
		}
		checks, err := canChecks(ctx, session, cans, claims, owner)
		if err != nil {
			return err
		}
		results, err = workflow.RunChecks(ctx, keyClient, checks)
		if err != nil {
			return noAuthCheckHint(err)
		}
	} else {
		if metaErr != nil {
			return withHint(fmt.Errorf("cannot read the scopes and allow list of the key from %s: %w", source, metaErr),
				"name the checks with --can, or log in with a session that can read the key ('coder login')")
		}
		results, skipped, err = workflow.Verify(ctx, keyClient, session, claims)
		if err != nil {
			return noAuthCheckHint(err)
		}
	}
	return reportChecks(opts, results, skipped)
}

// keyMetadata reads the key's own record, with the session when it may, else with the
// key itself; only the key's public ID is sent.
func keyMetadata(ctx context.Context, session, keyClient *sdk.Client, key string) (sdk.APIKey, error) {
	id, _, _ := sdk.SplitToken(key)
	meta, err := session.TokenByID(ctx, "me", id)
	if err != nil && session != keyClient {
		meta, err = keyClient.TokenByID(ctx, "me", id)
	}
	return meta, err
}

// keyClaims is what the stored record says; servers without scopes have only the
// legacy scope, and no allow list (everything).
func keyClaims(meta sdk.APIKey) ([]string, []scopes.AllowEntry) {
	names := meta.Scopes
	if names == nil && meta.Scope != "" {
		names = []string{meta.Scope}
	}
	var allow []scopes.AllowEntry
	for _, t := range meta.AllowList {
		id := t.ID
		if parsed, err := uuid.Parse(id); err == nil {
			id = parsed.String()
		}
		allow = append(allow, scopes.AllowEntry{Type: t.Type, ID: id})
	}
	return names, allow
}

// canChecks resolves --can names through the session and builds the checks.
func canChecks(ctx context.Context, session *sdk.Client, cans []canCheck, claims workflow.Claims, owner string) ([]workflow.Check, error) {
	entries := make([]scopes.AllowEntry, len(cans))
	for i, c := range cans {
		entries[i] = c.entry
	}
	resolved, err := workflow.Resolve(ctx, session, entries, workflow.ResolveOptions{Owner: owner, Me: owner})
	var nameErr *workflow.NameError
	if errors.As(err, &nameErr) && nameErr.Unresolved() {
		return nil, withHint(err, `check the spelling; an object your session may not read is also "not found"`)
	}
	if err != nil {
		return nil, err
	}
	checks := make([]workflow.Check, len(cans))
	for i, c := range cans {
		e := resolved[i].Entry
		check := workflow.Check{Action: c.action, Type: e.Type, Label: c.written, Reason: "--can"}
		switch {
		case e.ID == "*":
			check.Owner, check.Org = "me", claims.OrganizationID
		case e.Type == "organization":
			check.Org = e.ID
		case e.Type == "organization_member":
			check.Owner, check.Org = e.ID, claims.OrganizationID
		default:
			check.ID = e.ID
		}
		if claims.Scopes != nil {
			check.Missing = workflow.LikelyMissing(claims, check)
		}
		checks[i] = check
	}
	return checks, nil
}

func noAuthCheckHint(err error) error {
	if errors.Is(err, workflow.ErrNoAuthCheck) {
		return withHint(err, "the server, or a proxy in front of it, does not serve authcheck; 'coder tokens view' shows what the key claims")
	}
	return err
}

type checkReport struct {
	Checks  []workflow.CheckResult `json:"checks"`
	Skipped []workflow.Skipped     `json:"skipped"`
}

func reportChecks(opts *checkOptions, results []workflow.CheckResult, skipped []workflow.Skipped) error {
	if results == nil {
		results = []workflow.CheckResult{}
	}
	if skipped == nil {
		skipped = []workflow.Skipped{}
	}
	errOut := opts.IO.ErrOut
	for _, s := range skipped {
		fmt.Fprintf(errOut, "not checked: %s: %s\n", safetext.Escape(s.What), safetext.Escape(s.Reason))
	}
	denied := 0
	for _, r := range results {
		if !r.Allowed {
			denied++
			if r.Missing != "" {
				fmt.Fprintf(errOut, "denied: %s: likely missing %s\n", safetext.Escape(r.Label), safetext.Escape(r.Missing))
			}
		}
	}
	if opts.Output.String() == "json" {
		if err := opts.Output.writeJSON(opts.IO, checkReport{Checks: results, Skipped: skipped}); err != nil {
			return err
		}
	} else if len(results) > 0 {
		rows := make([][]string, len(results))
		for i, r := range results {
			rows[i] = []string{r.Label, map[bool]string{true: "yes", false: "no"}[r.Allowed]}
		}
		if err := writeTable(opts.IO.Out, []string{"check", "allowed"}, rows); err != nil {
			return err
		}
	}
	if len(results) == 0 {
		fmt.Fprintln(errOut, "nothing to check: the key's claims name nothing authcheck can judge; name checks with --can")
	}
	if denied > 0 {
		return withExitCode(fmt.Errorf("%d of %d checks were denied", denied, len(results)), exitDenied)
	}
	return nil
}
