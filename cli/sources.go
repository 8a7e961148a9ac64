package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scopedtokens/coder/sdk"
)

// flagLabel names where a flag's value came from, to lead an error about
// it: "--lifetime", "$CODER_TOKEN_LIFETIME" or "<dir>/config.yaml: lifetime".
// Blaming --lifetime for a bad $CODER_TOKEN_LIFETIME sends people looking
// for a flag they never typed.
func (f *Factory) flagLabel(name string) string {
	switch f.sources[name] {
	case sourceEnv:
		if f.cmd != nil {
			if flag := f.cmd.Flags().Lookup(name); flag != nil && envName(flag) != "" {
				return "$" + envName(flag)
			}
		}
	case sourceConfigFile:
		return f.dir.path(configFileName) + ": " + name
	}
	return "--" + name
}

// fromSource rewrites an error that starts with "--name" to start with the
// flag's real source instead.
func (f *Factory) fromSource(name string, err error) error {
	label := f.flagLabel(name)
	if label == "--"+name {
		return err
	}
	msg := err.Error()
	if strings.Contains(msg, "--"+name) {
		msg = strings.Replace(msg, "--"+name, label, 1)
	} else {
		msg = label + ": " + msg
	}
	return withExitCode(errors.New(msg), exitCode(err))
}

// userCheckTimeout bounds the one extra request that tells a missing user
// from a missing token.
const userCheckTimeout = 5 * time.Second

// explainMissingUser turns the server's answer to --user nobody into
// "no user "nobody"". Servers answer 404 (older ones 400 "must be an existing
// uuid or username") for an unknown user, for one the caller may not see, and
// for a missing token alike. After such an answer it asks about the user, and
// only when the caller is an owner, who sees every user, is the verdict
// certain; a member keeps the server's own words and the command's hint.
func (f *Factory) explainMissingUser(ctx context.Context, err error) error {
	if f.client == nil || f.cmd == nil || ctx.Err() != nil || !userNotFound(err) {
		return err
	}
	flag := f.cmd.Flags().Lookup("user")
	if flag == nil {
		return err
	}
	user := strings.TrimSpace(flag.Value.String())
	if user == "" || user == "me" {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, userCheckTimeout)
	defer cancel()
	if _, lookupErr := f.client.User(ctx, user); !userNotFound(lookupErr) {
		return err
	}
	me, meErr := f.client.User(ctx, "me")
	if meErr != nil || !slices.ContainsFunc(me.Roles, func(r sdk.Role) bool { return r.Name == "owner" }) {
		return err
	}
	from := ""
	if label := f.flagLabel("user"); label != "--user" {
		from = " (from " + label + ")"
	}
	return withExitCode(withHint(fmt.Errorf("no user %q%s", user, from),
		"give a username or user ID; 'coder whoami' shows yours"), exitNotFound)
}

// userNotFound recognises both generations' answer for an unknown {user}.
func userNotFound(err error) bool {
	var apiErr *sdk.Error
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.StatusCode {
	case http.StatusNotFound:
		return !isRouteNotFound(err)
	case http.StatusBadRequest:
		return strings.Contains(apiErr.Message, "must be an existing uuid or username")
	}
	return false
}
