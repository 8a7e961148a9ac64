package cli

import (
	"testing"
	"time"

	"github.com/scopedtokens/coder/sdk"
)

func TestSessionExpiryWarning(t *testing.T) {
	const hour = time.Hour
	tests := []struct {
		name       string
		loginType  string
		tokenName  string
		lifetime   time.Duration
		left       time.Duration
		wantWarn   bool
		wantAdvice string
	}{
		{"fresh CI token", "token", "ci", 15 * time.Minute, 15 * time.Minute, false, ""},
		{"tokens exec's key", "token", "exec-abc", hour, 59 * time.Minute, false, ""},
		{"long token near its end", "token", "deploy", 30 * 24 * hour, 5 * hour, true, "e.g. with 'coder tokens rotate deploy' from your login session"},
		{"short token in its last quarter", "token", "ci", hour, 10 * time.Minute, true, "e.g. with 'coder tokens rotate ci' from your login session"},
		{"login session near its end", "password", "", 24 * hour, 3 * hour, true, "e.g. with 'coder login'"},
		{"login session with a day left", "oidc", "", 7 * 24 * hour, 24 * hour, false, ""},
		{"lifetime unknown (older server)", "token", "x", 0, 2 * hour, true, "e.g. with 'coder tokens rotate x' from your login session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := sdk.APIKey{LoginType: tt.loginType, TokenName: tt.tokenName, LifetimeSeconds: int64(tt.lifetime / time.Second)}
			if got := expiresSoon(key, tt.left); got != tt.wantWarn {
				t.Fatalf("expiresSoon = %v, want %v", got, tt.wantWarn)
			}
			if tt.wantWarn {
				if got := renewAdvice(key); got != tt.wantAdvice {
					t.Errorf("advice = %q, want %q", got, tt.wantAdvice)
				}
			}
		})
	}
}
