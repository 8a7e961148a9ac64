package workflow

import (
	"context"
	"fmt"

	"github.com/scopedtokens/coder/sdk"
)

// Result is a minted token whose key is to be delivered.
type Result struct {
	Key string
	// Token is the metadata read back; only ID and TokenName are set when
	// reading back was impossible (see Warnings).
	Token sdk.APIKey
	// Warnings say what could not be verified, one sentence each. The key is
	// still the user's only copy and must be delivered.
	Warnings []string
}

// Mint posts plan with the requested lifetime, reads the token back and
// judges it. The key is returned unless the token can do more than asked:
// then the token is revoked and the error is a *RevokedError (or a
// *RevokeFailedError when revoking failed). A failed POST is a *PostError.
func (m *Minter) Mint(ctx context.Context, plan Plan, req sdk.CreateTokenRequest) (Result, error) {
	created, err := m.Client.CreateToken(ctx, plan.Target(), req)
	if err != nil {
		return Result{}, &PostError{Err: err}
	}
	// From here on the key exists and exists only here: nothing may lose it.
	key := created.Key
	id, _, ok := sdk.SplitToken(key)
	if !ok {
		return Result{Key: key, Warnings: []string{"the server returned a key in an unexpected format; it could not be verified"}}, nil
	}
	meta, err := m.ReadBack(ctx, plan.Target(), id)
	if err != nil {
		return Result{
			Key:   key,
			Token: sdk.APIKey{ID: id, TokenName: plan.Name},
			Warnings: []string{fmt.Sprintf("the token was created, but reading it back failed, so its scopes and allow list are unverified (check with 'coder tokens view %s'): %v",
				id, err)},
		}, nil
	}
	if widened := Judge(req, meta).Widened; len(widened) > 0 {
		return Result{}, m.RevokeWidened(ctx, plan.Target(), id, widened)
	}
	return Result{Key: key, Token: meta}, nil
}

// ReadBack fetches the metadata of the token with the given key ID.
func (m *Minter) ReadBack(ctx context.Context, user, id string) (sdk.APIKey, error) {
	return m.Client.TokenByID(ctx, user, id)
}
