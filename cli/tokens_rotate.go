package cli

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/lifetime"
	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

type rotateOptions struct {
	IO        *IOStreams
	Client    func() (*sdk.Client, error)
	KeyClient func(key string) (*sdk.Client, error)
	Getenv    func(string) string

	Ref        string
	User       string
	Name       string
	NameSet    bool
	Lifetime   string
	Delete     bool
	Output     *outputFlags
	EnvName    string
	OutputFile string
}

const rotateLong = `Replace a token by a successor with the same owner, scopes and allow list,
and print the successor's key, as 'coder tokens create' prints one.

The successor is minted, read back and its key tried against the server; only
then is the old token expired (--delete deletes it). If anything fails before
that, the old token is left as it was and a half-made successor is deleted, so
there is never a moment without a valid token.

The successor lives as long as the old token was made to live (--lifetime sets
another length), capped at the longest the owner may have now.

Names: tokens cannot be renamed and an expired token keeps its name, so the
successor gets a new one. A name ending in -r<N> becomes -r<N+1>; any other
name gets -r2: ci → ci-r2 → ci-r3. A name already taken is skipped (ci-r2
taken: ci-r3). --name picks the successor's name instead.

--output-file replaces the file whole (no --force: replacing it is the point),
and only after the old token has been expired; until then it holds the old key.

Servers older than v2.31 cannot expire tokens: there, rotate refuses before it
mints anything, unless --delete.`

func newTokensRotateCommand(f *Factory) *cobra.Command {
	opts := &rotateOptions{IO: f.IO, Client: f.Client, Getenv: f.Getenv, KeyClient: f.clientForKey}
	cmd := &cobra.Command{
		Use:   "rotate <name|id>",
		Short: "Replace a token by a successor with the same scopes and allow list",
		Long:  rotateLong,
		Example: `  # From cron: the token file always holds a valid key
  coder tokens rotate deploy --output-file /etc/deploy/coder-token

  # For a CI variable or dotenv report
  coder tokens rotate ci -o env

  # A new lifetime, and a name of your choosing
  coder tokens rotate ci --lifetime 30d --name ci-2026`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Ref = args[0]
			// From the flag or $CODER_TOKEN_NAME (which does not mark it changed).
			opts.NameSet = cmd.Flags().Changed("name") || opts.Name != ""
			return runRotate(cmd.Context(), opts)
		},
		ValidArgsFunction: completeTokenNames(f),
	}
	fl := cmd.Flags()
	fl.StringVarP(&opts.User, "user", "u", "me", "User who owns the token (username or ID)")
	withEnv(fl, "user", "CODER_TOKEN_USER")
	fl.StringVarP(&opts.Name, "name", "n", "", "Name of the successor (default: the old name with its rotation counter raised)")
	withEnv(fl, "name", "CODER_TOKEN_NAME")
	fl.StringVar(&opts.Lifetime, "lifetime", "", "How long the successor lives, e.g. 8h, 30d or max (default: as long as the old token was made to live)")
	withEnv(fl, "lifetime", "CODER_TOKEN_LIFETIME")
	_ = cmd.RegisterFlagCompletionFunc("lifetime", completeLifetimes)
	fl.BoolVar(&opts.Delete, "delete", false, "Delete the old token instead of expiring it (removes the audit trail)")
	withEnv(fl, "delete", "CODER_TOKEN_DELETE")
	opts.Output = addOutputFlag(cmd, "text", "json", "env")
	addEnvNameFlag(cmd, &opts.EnvName, "Variable name for -o env, which prints one NAME=key line")
	fl.StringVar(&opts.OutputFile, "output-file", "", "Replace this file (mode 0600) with the successor's key once the old token is expired")
	withEnv(fl, "output-file", "CODER_TOKEN_OUTPUT_FILE")
	return cmd
}

// rotateInput is the locally validated part of a rotation.
type rotateInput struct {
	lifetime lifetime.Lifetime // zero: as long as the old token
	target   string            // --output-file with symlinks resolved; "" for stdout
}

func validateRotate(opts *rotateOptions) (rotateInput, error) {
	var in rotateInput
	var problems []error
	if opts.Lifetime != "" {
		lt, err := lifetime.Parse(opts.Lifetime)
		if err != nil {
			problems = append(problems, fmt.Errorf("--lifetime: %w", err))
		}
		in.lifetime = lt
	}
	if opts.NameSet && opts.Name == "" {
		problems = append(problems, fmt.Errorf("--name: empty; leave it out to get the next name of the rotation rule"))
	}
	if err := validateEnvName(opts.EnvName); err != nil {
		problems = append(problems, err)
	}
	if opts.OutputFile != "" {
		target, err := checkReplaceable(opts.OutputFile)
		if err != nil {
			problems = append(problems, err)
		}
		in.target = target
	}
	return in, asUsage(errors.Join(problems...))
}

func runRotate(ctx context.Context, opts *rotateOptions) error {
	in, err := validateRotate(opts)
	if err != nil {
		return err
	}
	client, err := opts.Client()
	if err != nil {
		return err
	}
	// Whether the server can expire tokens does not depend on which token
	// this is, so it is asked beside the lookup: one round trip, not two.
	var (
		wg           sync.WaitGroup
		canExpire    bool
		canExpireErr error
	)
	if !opts.Delete {
		wg.Go(func() { canExpire, canExpireErr = workflow.CanExpire(ctx, client, opts.User) })
	}
	old, err := resolveToken(ctx, client, opts.User, opts.Ref)
	wg.Wait()
	if err != nil {
		return err
	}
	if old.LoginType != "" && old.LoginType != "token" {
		return usageErrorf("%s is a %s session key, not an API token; only API tokens can be rotated", describeToken(old), old.LoginType)
	}
	if !opts.Delete {
		if canExpireErr != nil {
			return canExpireErr
		}
		if !canExpire {
			return withHint(usageErrorf("this server cannot expire tokens (it predates v2.31), so rotating %s would leave the old token valid; nothing was created", describeToken(old)),
				"rotate with --delete to delete the old token once its successor works")
		}
	}

	minter := &workflow.Minter{Client: client}
	owner := opts.User
	if old.UserID != uuid.Nil {
		owner = old.UserID.String()
	}
	plan := workflow.Plan{User: owner, Name: opts.Name, Lifetime: in.lifetime}
	if !opts.NameSet {
		plan.Name = workflow.SuccessorName(old.TokenName, 0)
	}
	inherited := time.Duration(old.LifetimeSeconds) * time.Second
	checked, err := checkPlan(ctx, minter, nil, plan, inherited)
	if err != nil {
		return err
	}
	if checked.capped {
		fmt.Fprintf(opts.IO.ErrOut, "note: the old token was made to live %s; its successor lives %s, the longest its owner may have now\n",
			lifetime.Format(inherited), formatLimit(checked.requested))
	}
	keyClient := func(key string) *sdk.Client {
		c, err := opts.KeyClient(key)
		if err != nil {
			return client // unreachable: the parent client was built from the same settings
		}
		return c
	}
	req := workflow.SuccessorRequest(old, checked.plan.Name, checked.requested)
	successor, err := minter.MintSuccessor(ctx, old, checked.plan, req, !opts.NameSet, keyClient)
	if err != nil {
		return explainRotateError(old, err, opts.NameSet)
	}
	maskKeyInCILogs(opts.Getenv, opts.IO.ErrOut, successor.Key)
	return retireAndDeliver(ctx, opts, minter, in, old, owner, successor)
}

// retireAndDeliver stages the successor's key, retires the old token, and
// only then puts the key in place. If the old token cannot be retired the
// successor is deleted again, so the rotation leaves things as they were.
func retireAndDeliver(ctx context.Context, opts *rotateOptions, minter *workflow.Minter, in rotateInput, old sdk.APIKey, owner string, successor workflow.Result) error {
	var staged *stagedFile
	if in.target != "" {
		var err error
		staged, err = stage(in.target, keyFileContent(opts.Output.String(), opts.EnvName, successor.Key))
		if err != nil {
			return explainRotateError(old, minter.Abandon(ctx, old, owner, successor, err), opts.NameSet)
		}
	}
	how := workflow.ExpireOnly
	if opts.Delete {
		how = workflow.Delete
	}
	revoked, retireErr := workflow.RevokeToken(ctx, minter.Client, opts.User, old.ID, how)
	if retireErr != nil {
		if staged != nil {
			staged.abort()
		}
		err := minter.Abandon(ctx, old, owner, successor, fmt.Errorf("the old token could not be retired: %w", retireErr))
		var se *workflow.SuccessorError
		if !errors.As(err, &se) || se.Stray == "" {
			return explainRotateError(old, err, opts.NameSet)
		}
		// Both tokens are valid and the successor cannot be taken back: its
		// key is the one thing that must not be lost.
		fmt.Fprintf(opts.IO.ErrOut, "error: token %s could not be retired, and its successor could not be revoked either; both are valid. Delivering the successor's key; retire the old token with 'coder tokens rm %s'\n",
			describeToken(old), old.ID)
		if err := deliverSuccessor(opts, in, nil, old, revoked, successor); err != nil {
			return err
		}
		return &silentError{code: exitCode(retireErr)}
	}
	return deliverSuccessor(opts, in, staged, old, revoked, successor)
}

// deliverSuccessor puts the key where it was asked for and says what happened.
func deliverSuccessor(opts *rotateOptions, in rotateInput, staged *stagedFile, old sdk.APIKey, revoked workflow.Revoked, successor workflow.Result) error {
	state := "expired"
	switch {
	case revoked.ID == "":
		state = "still valid"
	case revoked.Deleted:
		state = "deleted"
	}
	if in.target != "" {
		var err error
		if staged == nil {
			staged, err = stage(in.target, keyFileContent(opts.Output.String(), opts.EnvName, successor.Key))
		}
		if err == nil {
			err = staged.commit()
		}
		if err != nil {
			return fmt.Errorf("the old token %s is %s, but its successor's key could not be put in place: %w", describeToken(old), state, err)
		}
		fmt.Fprintf(opts.IO.ErrOut, "Rotated token %s to %s, whose key is now in %s; the old token is %s.\n",
			describeToken(old), describeToken(successor.Token), opts.OutputFile, state)
		if opts.Output.String() == "json" {
			return opts.Output.writeJSON(opts.IO, rotateReport{APIKey: successor.Token, RotatedFrom: rotatedFrom(old, state)})
		}
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "Rotated token %s to %s; the old token is %s.\n", describeToken(old), describeToken(successor.Token), state)
	if opts.Output.String() == "json" {
		return opts.Output.writeJSON(opts.IO, rotateReport{APIKey: successor.Token, Key: successor.Key, RotatedFrom: rotatedFrom(old, state)})
	}
	return writeKeyTo(opts.IO, opts.Output, opts.EnvName, successor.Token, successor.Key)
}

// rotateReport is rotate's -o json: the successor as create prints it, and
// what became of the token it replaced.
type rotateReport struct {
	sdk.APIKey
	Key         string      `json:"key,omitempty"`
	RotatedFrom rotatedInfo `json:"rotated_from"`
}

type rotatedInfo struct {
	ID        string `json:"id"`
	TokenName string `json:"token_name"`
	State     string `json:"state"`
}

func rotatedFrom(old sdk.APIKey, state string) rotatedInfo {
	return rotatedInfo{ID: old.ID, TokenName: old.TokenName, State: state}
}

// explainRotateError adds the hint a failed rotation needs.
func explainRotateError(old sdk.APIKey, err error, nameSet bool) error {
	err = fmt.Errorf("cannot rotate %s: %w", describeToken(old), err)
	var tooLong *workflow.LifetimeError
	switch {
	case errors.As(err, &tooLong):
		return lifetimeTooLong(tooLong, "--lifetime")
	case sdk.IsConflict(err) && nameSet:
		return withHint(err, "choose another --name (an expired token keeps its name)")
	case sdk.IsConflict(err):
		return withHint(err, "every name of the rotation rule tried is taken; pick one with --name")
	}
	var se *workflow.SuccessorError
	if errors.As(err, &se) {
		// Not the session's hint: a 401 here is the successor's key, not the caller's.
		return withHint(err, fmt.Sprintf("nothing changed; once the cause is fixed, run the rotation again ('coder tokens view %s' shows the old token)", old.ID))
	}
	return err
}

// clientForKey builds a client for the same deployment and settings that
// authenticates with key instead of the session token.
func (f *Factory) clientForKey(key string) (*sdk.Client, error) {
	creds, err := f.credentials()
	if err != nil {
		return nil, err
	}
	return f.newClient(creds.url, key), nil
}
