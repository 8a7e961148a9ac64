package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/internal/workflow"
)

// verifyFlags say whether a minted token is checked with its own key. create
// and exec share them, as they share mintFlags.
type verifyFlags struct {
	Verify          bool
	RequireVerified bool
}

func addVerifyFlags(cmd *cobra.Command, opts *verifyFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&opts.Verify, "verify", true, "When the allow list names specific objects, ask the server, with the new key, whether it can do what its scopes and allow list claim (--verify=false skips it)")
	withEnv(fl, "verify", "CODER_TOKEN_VERIFY")
	fl.BoolVar(&opts.RequireVerified, "require-verified", false, "Revoke the token and exit 7 when the server denies any of those checks, or cannot be asked")
	withEnv(fl, "require-verified", "CODER_TOKEN_REQUIRE_VERIFIED")
}

// verificationJSON is what -o json says about the server's verdicts.
type verificationJSON struct {
	Verdicts []workflow.CheckResult `json:"verdicts"`
	Skipped  []workflow.Skipped     `json:"skipped,omitempty"`
	Error    string                 `json:"error,omitempty"`
}

// verificationOf is nil when nothing was verified, so JSON leaves it out.
func verificationOf(r workflow.Result) *verificationJSON {
	if !r.Verified {
		return nil
	}
	v := &verificationJSON{Verdicts: r.Verdicts, Skipped: r.Skipped}
	if v.Verdicts == nil {
		v.Verdicts = []workflow.CheckResult{}
	}
	if r.VerifyErr != nil {
		v.Error = r.VerifyErr.Error()
	}
	return v
}

// warnVerdicts puts one warning per denied check on stderr, naming the
// operation, the object and what the token likely lacks.
func warnVerdicts(streams *IOStreams, r workflow.Result) {
	if r.VerifyErr != nil {
		fmt.Fprintf(streams.ErrOut, "warning: the token could not be verified: %s\n", safetext.Escape(r.VerifyErr.Error()))
	}
	for _, d := range r.Denied() {
		msg := fmt.Sprintf("warning: the server says the token may not %s", safetext.Escape(d.Label))
		if d.Reason != "" {
			msg += " (" + safetext.Escape(d.Reason) + ")"
		}
		if d.Missing != "" {
			msg += "; likely missing " + safetext.Escape(d.Missing)
		} else {
			msg += "; the user's roles may not allow it"
		}
		fmt.Fprintln(streams.ErrOut, msg)
	}
}
