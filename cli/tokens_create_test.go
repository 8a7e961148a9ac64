package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// A server that caps a token minted by a scoped key at that key refuses a
// wider request; the hint says why and what to do, and the server's own
// words stay.
func TestCreateRefusedByTheParentKeyGetsAHint(t *testing.T) {
	refusal := &sdk.Error{
		Response:   sdk.Response{Message: "Failed to create API key.", Detail: `exceeds the creating API key: scope "template:read" is not among its scopes`},
		StatusCode: 400,
	}
	err := explainCreateError(&workflow.PostError{Err: refusal}, workflow.Plan{Name: "ci"}, nil)
	var out bytes.Buffer
	renderError(&out, err, "")
	got := out.String()
	for _, want := range []string{
		"error: cannot create the token: Failed to create API key.\n",
		`exceeds the creating API key: scope "template:read" is not among its scopes`,
		"hint: your session is itself a scoped token, and a token it creates can have at most its scopes, allow list and expiry",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered error lacks %q:\n%s", want, got)
		}
	}
}
