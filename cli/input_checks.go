package cli

import (
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// emptyFlagAdvice says what an explicitly empty flag would otherwise have
// turned into, for the flags where that matters most.
var emptyFlagAdvice = map[string]string{
	"scope": "an empty --scope never means the default (coder:all, full access); name the scopes, e.g. --scope workspace:read",
	"allow": "name the objects, e.g. --allow workspace:<uuid>, or leave --allow out",
	"user":  "name the user (username or ID), or leave --user out for yourself",
}

// rejectEmptyFlags refuses flags given on the command line with an empty
// value: `--scope "$SCOPE"` with $SCOPE unset must not silently become the
// default. A list flag fails when one of its values has no item at all
// (`--scope ""`, `--scope ",,"`). It runs before the environment is bound, so
// Changed means the command line.
func rejectEmptyFlags(cmd *cobra.Command) error {
	var problem error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if problem != nil {
			return
		}
		for _, value := range rawStringValues(f) {
			if strings.Trim(value, ", \t\r\n") != "" {
				continue
			}
			advice := emptyFlagAdvice[f.Name]
			if advice == "" {
				advice = "give a value, or leave the flag out"
			}
			problem = withHint(usageErrorf("--%s was given an empty value %q (an unset variable?); nothing was sent", f.Name, value), advice)
			return
		}
	})
	return problem
}

// rawStringValues returns what the user typed for a string-like flag, one
// entry per occurrence; nil for other kinds (bools, numbers, durations).
func rawStringValues(f *pflag.Flag) []string {
	switch f.Value.Type() {
	case "string":
		return []string{f.Value.String()}
	case "stringArray", "stringSlice":
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			return sv.GetSlice()
		}
	}
	return nil
}

// rejectEmptyArgs refuses a blank positional argument (`coder tokens rm ""`):
// it would otherwise name nothing, or the wrong thing, in a URL path.
func rejectEmptyArgs(cmd *cobra.Command, args []string) error {
	if cmd.Name() == cobra.ShellCompRequestCmd || cmd.Name() == cobra.ShellCompNoDescRequestCmd {
		return nil // completing `-o ''` is a question, not a request
	}
	for i, arg := range args {
		if strings.TrimSpace(arg) == "" {
			return withHint(usageErrorf("argument %d is empty (an unset variable?); nothing was sent", i+1),
				fmt.Sprintf("see '%s --help'", cmd.CommandPath()))
		}
	}
	return nil
}

// checkURLShape refuses deployment URLs that parse but cannot be meant: a
// port outside 1-65535, a query or a fragment (the API paths are appended to
// the URL, so either would be silently dropped or mangle every request). The
// message never repeats a password embedded in the URL.
func checkURLShape(u *url.URL) error {
	shown := u.Redacted()
	if port := u.Port(); port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return usageErrorf("invalid deployment URL %q: port %s is out of range (1-65535)", shown, port)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return usageErrorf("invalid deployment URL %q: empty port", shown)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return usageErrorf("invalid deployment URL %q: it has a query (?%s); give only the scheme, host and any path prefix", shown, u.RawQuery)
	}
	if u.Fragment != "" || strings.Contains(u.String(), "#") {
		return usageErrorf("invalid deployment URL %q: it has a fragment (#...); give only the scheme, host and any path prefix", shown)
	}
	return nil
}

// smallFileLimit bounds reads of files that hold one token or one URL.
const smallFileLimit = 64 << 10

// readSmallFile reads a file that should hold one short value, refusing to
// read more than limit bytes: a path like /dev/zero or a huge file gets a
// clear error instead of exhausting memory.
func readSmallFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path,
			Err: fmt.Errorf("more than %d KiB; the file should hold a single value", limit>>10)}
	}
	return data, nil
}

// redactRawURL hides the password of a URL that did not parse well enough
// for url.URL.Redacted: everything between "://" and the last "@" before the
// host is replaced when it holds a colon.
func redactRawURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":xxxxx" + rest[at:]
}

// headerNameOnly shortens a malformed --header value to what reads as its
// name, so an error never repeats a credential.
func headerNameOnly(kv string) string {
	if i := strings.IndexAny(kv, ":= \t"); i >= 0 {
		return kv[:i+1] + "..."
	}
	if len(kv) > 24 {
		return kv[:8] + "..."
	}
	return kv
}
