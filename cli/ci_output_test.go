package cli

import (
	"bytes"
	"testing"
)

func TestValidateEnvName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"CODER_SESSION_TOKEN", true},
		{"_x1", true},
		{"token", true},
		{"", false},
		{"1TOKEN", false},
		{"MY-TOKEN", false},
		{"A=B", false},
		{"A B", false},
		{"TOKEN\n", false},
	}
	for _, tt := range tests {
		err := validateEnvName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("validateEnvName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && exitCode(err) != exitUsage {
			t.Errorf("validateEnvName(%q) exits %d, want %d", tt.name, exitCode(err), exitUsage)
		}
	}
}

func TestMaskKeyInCILogs(t *testing.T) {
	const key = "WuoWs4ZsMX-0123456789abcdefghijkl"
	tests := []struct {
		githubActions string
		want          string
	}{
		{"true", "::add-mask::" + key + "\n"},
		{"", ""},
		{"false", ""},
		{"1", ""}, // the runner sets exactly "true"; anything else is not GitHub Actions
	}
	for _, tt := range tests {
		var stderr bytes.Buffer
		getenv := func(name string) string {
			if name == "GITHUB_ACTIONS" {
				return tt.githubActions
			}
			return ""
		}
		maskKeyInCILogs(getenv, &stderr, key)
		if stderr.String() != tt.want {
			t.Errorf("GITHUB_ACTIONS=%q: stderr %q, want %q", tt.githubActions, stderr.String(), tt.want)
		}
	}
}
