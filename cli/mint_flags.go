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

	// label names where a flag's value came from (Factory.flagLabel), so a
	// bad $CODER_TOKEN_LIFETIME is not blamed on --lifetime; nil means flags.
	label func(name string) string
}

func (m *mintFlags) labelFor(name string) string {
	if m.label == nil {
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
	fl.StringVarP(&m.User, "user", "u", "me", "User to create the token for (username or ID; other users need the Owner role)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.StringArrayVar(&m.Scopes, "scope", nil, "A `scope` for the token, e.g. workspace:read (repeatable or comma-separated; default coder:all)")
	withEnv(fl, "scope", "CODER_TOKEN_SCOPES")
	fl.StringArrayVar(&m.Allow, "allow", nil, "Allow-list entry `type:id`, where id is a UUID or *, e.g. workspace:<uuid> (repeatable or comma-separated)")
	withEnv(fl, "allow", "CODER_TOKEN_ALLOW_LIST")
	_ = cmd.RegisterFlagCompletionFunc("scope", completeScopes)
	_ = cmd.RegisterFlagCompletionFunc("allow", completeAllowTypes)
}

// plan checks the mint flags without touching the network. It returns
// every problem, so a user fixes them in one go.
func (m *mintFlags) plan() (workflow.Plan, []error) {
	plan := workflow.Plan{User: strings.TrimSpace(m.User), Name: m.Name}
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
	catalog := scopes.Snapshot()
	parsed, err := scopes.ParseScopes(catalog, m.Scopes)
	if err != nil {
		problems = append(problems, prefixEach(m.labelFor("scope"), err))
	}
	plan.Scopes = parsed
	allow, err := scopes.ParseAllowList(catalog, m.Allow)
	if err != nil {
		problems = append(problems, prefixEach(m.labelFor("allow"), err))
	}
	plan.Allow = allow
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
