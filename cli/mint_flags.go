package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
)

// mintFlags are the flags that say what token to mint. create and exec
// register the same set through addMintFlags, so a token minted for one CI
// job is asked for, and checked, exactly like one from create.
type mintFlags struct {
	Name     string
	Lifetime string
	User     string
	Scopes   []string
	Allow    []string
	WithDeps bool

	// label names where a flag's value came from (Factory.flagLabel), so a
	// bad $CODER_TOKEN_LIFETIME is not blamed on --lifetime; nil means flags.
	label func(name string) string
}

func (m *mintFlags) labelFor(name string) string {
	if m == nil || m.label == nil {
		return "--" + name
	}
	return m.label(name)
}

// mintFlagHelp holds the help texts that differ between commands.
type mintFlagHelp struct {
	name, lifetime string
}

func addMintFlags(cmd *cobra.Command, m *mintFlags, help mintFlagHelp) {
	fl := cmd.Flags()
	fl.StringVarP(&m.Name, "name", "n", "", help.name)
	withEnv(fl, "name", "CODER_TOKEN_NAME")
	fl.StringVar(&m.Lifetime, "lifetime", "", help.lifetime)
	withEnv(fl, "lifetime", "CODER_TOKEN_LIFETIME")
	_ = cmd.RegisterFlagCompletionFunc("lifetime", completeLifetimes)
	fl.StringVarP(&m.User, "user", "u", "me", "User to create the token for (username or ID; other users need the Owner role)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.StringArrayVar(&m.Scopes, "scope", nil, "A `scope` for the token, e.g. workspace:read (repeatable or comma-separated; default coder:all)")
	withEnv(fl, "scope", "CODER_TOKEN_SCOPES")
	fl.StringArrayVar(&m.Allow, "allow", nil, "Allow-list entry `type:id`, where id is a UUID, * or, for workspace, template, user, organization, group and organization_member, a name, e.g. workspace:alice/dev (repeatable or comma-separated)")
	withEnv(fl, "allow", "CODER_TOKEN_ALLOW_LIST")
	fl.BoolVar(&m.WithDeps, "with-deps", false, "Also allow what each workspace entry needs: its template and template version, owner, owner's organization membership and dormant twin (printed on stderr)")
	withEnv(fl, "with-deps", "CODER_TOKEN_WITH_DEPS")
	_ = cmd.RegisterFlagCompletionFunc("scope", completeScopes)
	// --allow and --user complete from the server: registerLookupCompletions.
}

// plan checks the mint flags without touching the network. It returns
// every problem, so a user fixes them in one go. Scope names and allow-list
// types the bundled snapshot lacks but that are well formed are left to the
// server's live catalog (a newer server may offer them); only malformed
// input fails here. When something else is wrong anyway, they are held
// against the snapshot too, so every problem is reported at once and
// nothing is sent.
func (m *mintFlags) plan() (workflow.Plan, []error) {
	plan, problems := m.parse(false)
	if len(problems) > 0 && plan.Deferred() {
		plan, problems = m.parse(true)
	}
	return plan, problems
}

// strictProblems is every problem with deferred names held against the
// snapshot, for when another flag has failed already.
func (m *mintFlags) strictProblems() []error {
	_, problems := m.parse(true)
	return problems
}

func (m *mintFlags) parse(strict bool) (workflow.Plan, []error) {
	plan := workflow.Plan{User: strings.TrimSpace(m.User), Name: m.Name, WithDeps: m.WithDeps}
	if plan.User == "" {
		plan.User = "me"
	}
	var problems []error
	if m.Lifetime != "" {
		lt, err := lifetime.Parse(m.Lifetime)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", m.labelFor("lifetime"), err))
		}
		plan.Lifetime = lt
	}
	snapshot := scopes.Snapshot()
	var err error
	if strict {
		plan.Scopes, err = scopes.ParseScopes(snapshot, m.Scopes)
	} else {
		plan.Scopes, plan.UnknownScopes, err = scopes.ParseScopesDeferred(snapshot, m.Scopes)
	}
	if err != nil {
		problems = append(problems, prefixEach(m.labelFor("scope"), err))
	}
	catalog := snapshot
	if !strict {
		plan.UnknownTypes = scopes.DeferredTypes(snapshot, m.Allow)
		catalog = snapshot.WithTypes(plan.UnknownTypes)
	}
	plan.Allow, err = scopes.ParseAllowListWithNames(catalog, m.Allow)
	if err != nil {
		problems = append(problems, prefixEach(m.labelFor("allow"), err))
	}
	return plan, problems
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
