//go:build darwin

package credstore

import (
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// SystemProvider is the login keychain, written exactly as upstream writes
// it: go-keyring would prefix the secret with "go-keyring-base64:", which
// upstream and Coder Desktop cannot read. Reads and deletes go through
// go-keyring, which returns an unprefixed secret as stored.
func SystemProvider() Provider { return darwinKeychain{} }

type darwinKeychain struct{ GoKeyring }

func (darwinKeychain) Set(service, user, secret string) error {
	// Through stdin (security -i), so the secret is not in any argv.
	cmd := exec.Command("/usr/bin/security", "-i")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	line := fmt.Sprintf("add-generic-password -U -s %s -a %s -w %s\n", quote(service), quote(user), quote(secret))
	if len(line) > 4096 {
		stdin.Close()
		cmd.Wait()
		return fmt.Errorf("the session is too large for the macOS keychain")
	}
	if _, err := io.WriteString(stdin, line); err != nil {
		return err
	}
	if err := stdin.Close(); err != nil {
		return err
	}
	return cmd.Wait()
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'" }
