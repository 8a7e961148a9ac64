package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/sdk"
)

type createOptions struct {
	IO     *IOStreams
	Client func() (*sdk.Client, error)
	Now    func() time.Time

	Name       string
	Lifetime   string
	User       string
	Scopes     []string
	Allow      []string
	Output     *enumValue
	DryRun     bool
	OutputFile string
	Force      bool
}

const createLong = `Create a token and print its key. The key is shown only once.

Everything is checked locally before anything is sent: scope names against the
scope catalog (see 'coder tokens scopes'), allow-list entries, and the lifetime.
After creating the token, coder reads it back: if the server silently dropped
the requested scopes or allow list (servers older than v2.27/v2.28 do), the
token is revoked at once and nothing is printed.

Without --lifetime the server's default lifetime applies (coder sends 0; the
default is 7 days unless the deployment changed it). --lifetime max asks for
the longest lifetime the server allows for the target user.

Allow lists are exclusive: once given, the token can only touch the listed
objects, of any type. Use --dry-run to see what a token could do.`

func newTokensCreateCommand(f *Factory) *cobra.Command {
	opts := &createOptions{IO: f.IO, Client: f.Client, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a token",
		Long:  createLong,
		Example: `  # In a script or CI job: the key alone on stdout
  TOKEN=$(coder tokens create --name deploy-$CI_JOB_ID --lifetime 15m)

  # Read-only access to one workspace for a day
  coder tokens create --name viewer --scope workspace:read,template:read \
    --allow workspace:8e2e1f2c-7d41-4f5b-9a57-2b3e4f5a6b7c --allow template:* --lifetime 1d

  # See the request and what the token could do, without creating it
  coder tokens create --scope coder:workspaces.access --allow workspace:<uuid> --dry-run

  # Metadata and key as JSON; or the key straight into a 0600 file
  coder tokens create -o json
  coder tokens create --output-file ./token`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCreate(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.Name, "name", "n", "", "Name of the token (the server picks a random one if empty)")
	withEnv(fl, "name", "CODER_TOKEN_NAME")
	fl.StringVar(&opts.Lifetime, "lifetime", "", "How long the token lives, e.g. 15m, 8h, 30d, 2w, 1y, 1d12h, or max (default: the server's default, 7d unless changed)")
	withEnv(fl, "lifetime", "CODER_TOKEN_LIFETIME")
	fl.StringVarP(&opts.User, "user", "u", "me", "User to create the token for (username or ID; other users need the Owner role)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.StringArrayVar(&opts.Scopes, "scope", nil, "A `scope` for the token, e.g. workspace:read (repeatable or comma-separated; default coder:all)")
	withEnv(fl, "scope", "CODER_TOKEN_SCOPES")
	fl.StringArrayVar(&opts.Allow, "allow", nil, "Allow-list entry `type:id`, where id is a UUID or *, e.g. workspace:<uuid> (repeatable or comma-separated)")
	withEnv(fl, "allow", "CODER_TOKEN_ALLOW_LIST")
	opts.Output = addOutputFlag(cmd, "text", "json")
	fl.BoolVar(&opts.DryRun, "dry-run", false, "Show the request and what the token could do, without creating it")
	withEnv(fl, "dry-run", "CODER_DRY_RUN")
	fl.StringVar(&opts.OutputFile, "output-file", "", "Write the key to this file (mode 0600) instead of stdout")
	withEnv(fl, "output-file", "CODER_TOKEN_OUTPUT_FILE")
	fl.BoolVar(&opts.Force, "force", false, "Overwrite the --output-file if it exists")
	withEnv(fl, "force", "CODER_FORCE")
	_ = cmd.RegisterFlagCompletionFunc("scope", completeScopes)
	_ = cmd.RegisterFlagCompletionFunc("allow", completeAllowTypes)
	return cmd
}

// createPlan is the locally validated request, before any network call.
type createPlan struct {
	user     string
	name     string
	lifetime lifetime.Lifetime // zero: server default
	scopes   []scopes.Scope
	allow    []scopes.AllowEntry // validated, not normalised
}

func (p createPlan) hasLifetime() bool { return p.lifetime.Max || p.lifetime.Duration > 0 }

// validateCreate checks every flag without touching the network.
func validateCreate(opts *createOptions) (createPlan, error) {
	plan := createPlan{user: strings.TrimSpace(opts.User), name: opts.Name}
	if plan.user == "" {
		plan.user = "me"
	}
	var problems []error
	if opts.Lifetime != "" {
		lt, err := lifetime.Parse(opts.Lifetime)
		if err != nil {
			problems = append(problems, fmt.Errorf("--lifetime: %w", err))
		}
		plan.lifetime = lt
	}
	catalog := scopes.Snapshot()
	parsed, err := scopes.ParseScopes(catalog, opts.Scopes)
	if err != nil {
		problems = append(problems, prefixEach("--scope", err))
	}
	plan.scopes = parsed
	allow, err := scopes.ParseAllowList(catalog, opts.Allow)
	if err != nil {
		problems = append(problems, prefixEach("--allow", err))
	}
	plan.allow = allow
	if opts.OutputFile != "" && !opts.Force && !opts.DryRun {
		if _, err := os.Lstat(opts.OutputFile); err == nil {
			problems = append(problems, fmt.Errorf("--output-file: %s already exists; pass --force to overwrite it", opts.OutputFile))
		}
	}
	if len(problems) > 0 {
		return plan, asUsage(errors.Join(problems...))
	}
	return plan, nil
}

// prefixEach puts the flag name in front of every joined error, so each bad
// value reads on its own line.
func prefixEach(flag string, err error) error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		errs := joined.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s: %w", flag, e)
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("%s: %w", flag, err)
}

// serverFacts is what create learns from the server before it posts.
type serverFacts struct {
	catalog     *scopes.Catalog
	catalogNote string // why the bundled snapshot is used, if it is
	maxLifetime time.Duration
}

// fetchFacts asks, concurrently, for the token config (only when a lifetime
// must be checked) and the scope catalog (only when scopes were given).
func fetchFacts(ctx context.Context, client *sdk.Client, plan createPlan) (serverFacts, error) {
	facts := serverFacts{catalog: scopes.Snapshot()}
	var wg sync.WaitGroup
	var configErr, catalogErr error
	if plan.hasLifetime() {
		wg.Go(func() {
			var cfg sdk.TokenConfig
			cfg, configErr = client.TokenConfig(ctx, plan.user)
			facts.maxLifetime = cfg.MaxTokenLifetime
		})
	}
	var live sdk.ScopeCatalog
	if len(plan.scopes) > 0 {
		wg.Go(func() { live, catalogErr = client.ScopeCatalog(ctx) })
	}
	wg.Wait()
	if configErr != nil {
		return facts, fmt.Errorf("cannot read the token config of user %q: %w", plan.user, configErr)
	}
	switch {
	case len(plan.scopes) == 0:
	case catalogErr == nil:
		facts.catalog = scopes.FromNames(live.External)
	case sdk.IsNotFound(catalogErr):
		facts.catalogNote = "the server has no scope catalog (it predates v2.27), so the bundled snapshot was used"
	default:
		return facts, fmt.Errorf("cannot read the scope catalog: %w", catalogErr)
	}
	return facts, nil
}

func runCreate(ctx context.Context, opts *createOptions) error {
	plan, err := validateCreate(opts)
	if err != nil {
		return err
	}
	client, err := opts.Client()
	if err != nil {
		var notLoggedIn *notLoggedInError
		if opts.DryRun && errors.As(err, &notLoggedIn) {
			return writeDryRun(opts, plan, serverFacts{catalog: scopes.Snapshot(),
				catalogNote: "not logged in: checked against the bundled scope catalog only; the lifetime maximum is unknown"}, 0)
		}
		return err
	}
	facts, err := fetchFacts(ctx, client, plan)
	if err != nil {
		return err
	}
	if err := checkAgainstCatalog(facts.catalog, plan.scopes); err != nil {
		return err
	}
	requested := plan.lifetime.Duration
	if plan.lifetime.Max {
		requested = facts.maxLifetime
	}
	if plan.hasLifetime() && requested > facts.maxLifetime {
		return overMaxError(ctx, client, plan.user, requested, facts.maxLifetime)
	}
	if opts.DryRun {
		return writeDryRun(opts, plan, facts, requested)
	}

	explanation := scopes.Explain(facts.catalog, plan.scopes, plan.allow)
	for _, w := range explanation.Warnings {
		fmt.Fprintf(opts.IO.ErrOut, "warning: %s\n", w.Message)
	}
	req := sdk.CreateTokenRequest{
		Lifetime:  requested,
		TokenName: plan.name,
		Scopes:    scopes.ScopeNames(plan.scopes),
		AllowList: toWire(scopes.NormalizeAllowList(plan.allow)),
	}
	created, err := client.CreateToken(ctx, plan.user, req)
	if err != nil {
		return createFailure(err, plan)
	}
	// From here on the key exists and exists only here: nothing may lose it.
	return deliverKey(ctx, opts, client, plan, req, created.Key)
}

// checkAgainstCatalog re-checks scope names against a live catalog, which
// can lack names the bundled snapshot has (older servers).
func checkAgainstCatalog(catalog *scopes.Catalog, requested []scopes.Scope) error {
	if catalog.Source() != scopes.SourceLive {
		return nil
	}
	var missing []string
	for _, s := range requested {
		if !catalog.Has(s.Name) {
			missing = append(missing, fmt.Sprintf("%q", s.Name))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return withHint(usageErrorf("--scope: this server does not offer %s", strings.Join(missing, ", ")),
		"'coder tokens scopes' lists what this server offers")
}

// overMaxError explains a too-long lifetime in human units and says which cap
// applies. It costs one extra request, on this failure path only.
func overMaxError(ctx context.Context, client *sdk.Client, user string, requested, max time.Duration) error {
	cap := "the maximum set by the deployment"
	if u, err := client.User(ctx, user); err == nil {
		if u.IsOwner() {
			cap = fmt.Sprintf("the owner maximum for %s, set by CODER_MAX_ADMIN_TOKEN_LIFETIME on the server", u.Username)
		} else {
			cap = fmt.Sprintf("the member maximum for %s, set by CODER_MAX_TOKEN_LIFETIME on the server", u.Username)
		}
	}
	return withHint(usageErrorf("--lifetime %s is longer than %s allowed (%s)", lifetime.Format(requested), formatLimit(max), cap),
		fmt.Sprintf("use --lifetime %s or shorter, or --lifetime max", formatLimit(max)))
}

// createFailure adds what a person needs to know to a failed POST.
func createFailure(err error, plan createPlan) error {
	err = fmt.Errorf("cannot create the token: %w", err)
	switch {
	case sdk.IsConflict(err):
		return withHint(err, fmt.Sprintf("choose another --name, or delete the old token first with 'coder tokens rm --delete %s' (an expired token keeps its name)", plan.name))
	case exitCode(err) == exitServer:
		return withHint(err, "the server may have created the token anyway; check with 'coder tokens ls' and remove it if it is there")
	}
	return err
}

// deliverKey verifies the new token, then hands the key to the user. The key
// is withheld only when the server dropped requested restrictions, and then
// the token is revoked.
func deliverKey(ctx context.Context, opts *createOptions, client *sdk.Client, plan createPlan, req sdk.CreateTokenRequest, key string) error {
	id, _, ok := sdk.SplitToken(key)
	if !ok {
		// Still the user's only copy: deliver it rather than lose it.
		fmt.Fprintln(opts.IO.ErrOut, "warning: the server returned a key in an unexpected format; it could not be verified")
		return writeKey(opts, sdk.APIKey{}, key)
	}
	meta, err := client.TokenByID(ctx, plan.user, id)
	if err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "warning: the token was created, but reading it back failed, so its scopes and allow list are unverified (check with 'coder tokens view %s'): %v\n", id, err)
		return writeKey(opts, sdk.APIKey{ID: id, TokenName: plan.name}, key)
	}
	if dropped := droppedRestrictions(req, meta); len(dropped) > 0 {
		return revokeUnrestricted(ctx, client, plan.user, id, dropped)
	}
	return writeKey(opts, meta, key)
}

// droppedRestrictions lists what the server did not apply. Older servers
// ignore `scopes` and `allow_list` and leave them out of the token entirely;
// what such a token can do is its legacy `scope` on every object.
func droppedRestrictions(req sdk.CreateTokenRequest, got sdk.APIKey) []string {
	var dropped []string
	if len(req.Scopes) > 0 {
		have, note := effectiveScopes(got)
		if !sameSet(req.Scopes, have) {
			dropped = append(dropped, fmt.Sprintf("scopes (asked for %s, got %s%s)", strings.Join(req.Scopes, ","), strings.Join(have, ","), note))
		}
	}
	if len(req.AllowList) > 0 {
		want := wireStrings(req.AllowList)
		have, note := effectiveAllowList(got)
		if !sameSet(want, have) {
			dropped = append(dropped, fmt.Sprintf("allow list (asked for %s, got %s%s)", strings.Join(want, ","), strings.Join(have, ","), note))
		}
	}
	return dropped
}

const unsupportedField = "; the server does not support the field"

func effectiveScopes(got sdk.APIKey) ([]string, string) {
	if got.Scopes != nil {
		return got.Scopes, ""
	}
	if got.Scope == "application_connect" {
		return []string{"coder:application_connect"}, unsupportedField
	}
	return []string{"coder:all"}, unsupportedField
}

func effectiveAllowList(got sdk.APIKey) ([]string, string) {
	if got.AllowList != nil {
		return wireStrings(got.AllowList), ""
	}
	return []string{"*:*"}, unsupportedField
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// revokeUnrestricted expires (or, where expiring is unsupported, deletes) a
// token the server minted without the requested restrictions. Its key never
// reaches stdout.
func revokeUnrestricted(ctx context.Context, client *sdk.Client, user, id string, dropped []string) error {
	serverVersion := "an unknown version"
	if info, err := client.BuildInfo(ctx); err == nil && info.Version != "" {
		serverVersion = info.Version
	}
	what := strings.Join(dropped, "; ")
	err := client.ExpireToken(ctx, user, id)
	if err != nil {
		err = client.DeleteToken(ctx, user, id)
	}
	if err != nil {
		return fmt.Errorf("the server (%s) ignored the requested %s, and revoking the unrestricted token %s failed: %w; revoke it now with 'coder tokens rm --delete %s'",
			serverVersion, what, id, err, id)
	}
	return withHint(fmt.Errorf("the server (%s) ignored the requested %s; the token it created (ID %s) had more access than asked for and was revoked", serverVersion, what, id),
		"scopes need Coder v2.27 or newer and allow lists v2.28 or newer; upgrade the server, or create the token without --scope/--allow")
}

// writeKey prints the key (text) or metadata plus key (JSON), to stdout or the
// --output-file.
func writeKey(opts *createOptions, meta sdk.APIKey, key string) error {
	if opts.OutputFile != "" {
		if err := writeFileAtomic(opts.OutputFile, []byte(key+"\n"), !opts.Force); err != nil {
			// The file failed; stdout is the last place the key can go.
			fmt.Fprintf(opts.IO.ErrOut, "warning: cannot write the key to %s (%v); printing it instead\n", opts.OutputFile, err)
			return writeKeyTo(opts, meta, key)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Wrote the key of token %q (ID %s) to %s.\n", meta.TokenName, meta.ID, opts.OutputFile)
		if opts.Output.String() == "json" {
			return writeJSON(opts.IO.Out, meta)
		}
		return nil
	}
	return writeKeyTo(opts, meta, key)
}

func writeKeyTo(opts *createOptions, meta sdk.APIKey, key string) error {
	if opts.Output.String() == "json" {
		return writeJSON(opts.IO.Out, struct {
			sdk.APIKey
			Key string `json:"key"`
		}{meta, key})
	}
	if opts.IO.IsStdoutTTY() {
		fmt.Fprintln(opts.IO.ErrOut, "Store this key now: it is shown only once and cannot be retrieved later.")
	}
	_, err := fmt.Fprintln(opts.IO.Out, key)
	return err
}

func toWire(entries []scopes.AllowEntry) []sdk.AllowListTarget {
	if len(entries) == 0 {
		return nil
	}
	out := make([]sdk.AllowListTarget, len(entries))
	for i, e := range entries {
		out[i] = sdk.AllowListTarget{Type: e.Type, ID: e.ID}
	}
	return out
}

func wireStrings(targets []sdk.AllowListTarget) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.String()
	}
	return out
}
