package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/scopes"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// explainCreateError turns the workflow's typed errors into what a person
// reads: the flag at fault, the exit code and a hint.
func explainCreateError(err error, plan workflow.Plan, label func(flag string) string) error {
	flag := func(name string) string {
		if label == nil {
			return "--" + name
		}
		return label(name)
	}
	var (
		unoffered  *workflow.UnofferedScopesError
		tooLong    *workflow.LifetimeError
		post       *workflow.PostError
		revoked    *workflow.RevokedError
		catalog    *workflow.CatalogError
		tooMany    *workflow.TooManyEntriesError
		unverified *workflow.UnverifiedError
	)
	switch {
	case errors.As(err, &unverified):
		if unverified.RevokeErr == nil && unverified.Err == nil {
			return withExitCode(err, exitDenied)
		}
		return err
	case errors.As(err, &catalog):
		return catalogError(catalog, flag)
	case errors.As(err, &tooMany):
		return withHint(asUsage(fmt.Errorf("%s: %w", flag("allow"), err)), `a typed wildcard such as "workspace:*" covers every object of a type`)
	case errors.As(err, &unoffered):
		return withHint(asUsage(fmt.Errorf("%s: %w", flag("scope"), err)), "'coder tokens scopes' lists what this server offers")
	case errors.As(err, &tooLong):
		return lifetimeTooLong(tooLong, flag("lifetime"))
	case errors.As(err, &post):
		switch {
		case sdk.IsConflict(err):
			return withHint(err, fmt.Sprintf("choose another --name, or delete the old token first with 'coder tokens rm --delete %s' (an expired token keeps its name)", plan.Name))
		case isParentLimit(err):
			return withHint(err, "your session is itself a scoped token, and a token it creates can have at most its scopes, allow list and expiry; ask for less, or log in with a session that may do more ('coder login')")
		case neverSent(err):
			return withHint(err, "the token was not created: the request never reached the server")
		case errors.Is(err, context.Canceled):
			return withHint(err, "the request had been sent, so the token may exist; "+checkForToken(plan.Name))
		case errors.Is(err, sdk.ErrNoKey):
			return withHint(err, "the token may exist without its key ever reaching you; "+checkForToken(plan.Name))
		case exitCode(err) == exitServer:
			return withHint(err, "the server may have created the token anyway; "+checkForToken(plan.Name))
		}
	case errors.As(err, &revoked):
		return withHint(err, "scopes need Coder v2.27 or newer and allow lists v2.28 or newer; upgrade the server, or create the token without --scope/--allow")
	}
	return err
}

// catalogError says which catalog turned the names down: the server's own,
// or the bundled snapshot and why.
func catalogError(e *workflow.CatalogError, flag func(string) string) error {
	var problems []error
	if e.Scopes != nil {
		problems = append(problems, prefixEach(flag("scope"), e.Scopes))
	}
	if e.Allow != nil {
		problems = append(problems, prefixEach(flag("allow"), e.Allow))
	}
	err := asUsage(errors.Join(problems...))
	if e.Source == scopes.SourceLive {
		return withHint(err, "checked against the server's live catalog; 'coder tokens scopes' lists what it offers")
	}
	if e.Note != "" {
		return withHint(err, e.Note)
	}
	return withHint(err, "checked against the bundled snapshot")
}

// isParentLimit reports the refusal of a server that caps a token minted by
// a scoped key at that key (upstream's InheritWithinCaller).
func isParentLimit(err error) bool {
	const refusal = "exceeds the creating API key"
	var apiErr *sdk.Error
	return errors.As(err, &apiErr) && (strings.Contains(apiErr.Detail, refusal) || strings.Contains(apiErr.Message, refusal))
}

// lifetimeTooLong explains a too-long lifetime in human units and says
// which cap applies.
func lifetimeTooLong(e *workflow.LifetimeError, source string) error {
	cap := "the maximum set by the deployment"
	if e.Known {
		if e.Owner {
			cap = fmt.Sprintf("the owner maximum for %s, set by CODER_MAX_ADMIN_TOKEN_LIFETIME on the server", e.Username)
		} else {
			cap = fmt.Sprintf("the member maximum for %s, set by CODER_MAX_TOKEN_LIFETIME on the server", e.Username)
		}
	}
	return withHint(usageErrorf("%s %s is longer than %s allowed (%s)", source, lifetime.Format(e.Requested), formatLimit(e.Max), cap),
		fmt.Sprintf("use --lifetime %s or shorter, or --lifetime max", formatLimit(e.Max)))
}
