package workflow

import "context"

// Revoke ends a token: it expires it, keeping the record for audit, and
// deletes it where the server cannot expire (before ~v2.31).
func (m *Minter) Revoke(ctx context.Context, user, id string) error {
	if err := m.Client.ExpireToken(ctx, user, id); err != nil {
		return m.Client.DeleteToken(ctx, user, id)
	}
	return nil
}

// RevokeWidened revokes a token minted with more access than asked and
// says so: a *RevokedError, or a *RevokeFailedError when it still exists.
// Its key never leaves the workflow.
func (m *Minter) RevokeWidened(ctx context.Context, user, id string, widened []string) error {
	serverVersion := "an unknown version"
	if info, err := m.Client.BuildInfo(ctx); err == nil && info.Version != "" {
		serverVersion = info.Version
	}
	if err := m.Revoke(ctx, user, id); err != nil {
		return &RevokeFailedError{ServerVersion: serverVersion, ID: id, Widened: widened, Err: err}
	}
	return &RevokedError{ServerVersion: serverVersion, ID: id, Widened: widened}
}
