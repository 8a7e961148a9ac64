package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// envAnnotation names a flag's environment twin; help shows it and the binder reads it.
const envAnnotation = "coder_env"

// valueSource records where a flag's value came from, for error hints.
type valueSource int

const (
	sourceDefault valueSource = iota
	sourceFlag
	sourceEnv
	sourceConfigFile
)

// withEnv declares the environment twin of a flag and mentions it in the help.
func withEnv(fs *pflag.FlagSet, name, env string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("withEnv: no flag " + name)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[envAnnotation] = []string{env}
	f.Usage += " [$" + env + "]"
}

// noEnvAnnotation marks a flag that deliberately has no environment twin and
// is not read from config.yaml, with the reason.
const noEnvAnnotation = "coder_no_env"

// withoutEnv declares that a flag is for the command line only: a value that
// suits one command (a jq expression over token lists) would break the
// others if the environment or config.yaml handed it to all of them.
func withoutEnv(fs *pflag.FlagSet, name, why string) {
	f := fs.Lookup(name)
	if f == nil {
		panic("withoutEnv: no flag " + name)
	}
	if f.Annotations == nil {
		f.Annotations = map[string][]string{}
	}
	f.Annotations[noEnvAnnotation] = []string{why}
}

func commandLineOnly(f *pflag.Flag) bool { return len(f.Annotations[noEnvAnnotation]) > 0 }

func envName(f *pflag.Flag) string {
	if names := f.Annotations[envAnnotation]; len(names) == 1 {
		return names[0]
	}
	return ""
}

// Settings config.yaml may not hold, and why: a token there would be a secret
// at rest outside the 0600 session file, and the config directory cannot name
// itself. Naming one is an error rather than silently ignored, so nobody
// believes a token in config.yaml is in use.
var notFromConfigFile = []struct{ name, why string }{
	{"token", "keep the session token in the session file ('coder login'), a --token-file or $CODER_SESSION_TOKEN"},
	{"token-file", "set $CODER_SESSION_TOKEN_FILE or pass --token-file instead"},
	{"global-config", "the config directory cannot be chosen from inside itself; use --global-config or $CODER_CONFIG_DIR"},
}

// bindEnvironment fills every flag the user did not set on the command line
// from its CODER_* environment twin and then from config.yaml, giving the
// precedence flag > env > config file. It returns the source of every flag
// and warnings about config.yaml keys that no command reads. Errors name
// where the bad value came from: "$CODER_TIMEOUT: …", "…/config.yaml: timeout: …".
//
// every returns the whole command tree: a value in the environment or the
// shared config file is judged against all commands' flags, not only those
// of cmd.
func bindEnvironment(cmd *cobra.Command, dir configDir, every func() *cobra.Command) (map[string]valueSource, []string, error) {
	v := viper.New()
	sources := map[string]valueSource{}
	var bindErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if bindErr != nil {
			return
		}
		if f.Changed {
			sources[f.Name] = sourceFlag
			return
		}
		env := envName(f)
		if env == "" {
			return
		}
		_ = v.BindEnv(f.Name, env) // only errors without a key name
		if !v.IsSet(f.Name) {
			return
		}
		value := v.GetString(f.Name)
		if err := setFlagFromString(f, value); err != nil {
			if choiceOfAnotherCommand(every(), cmd, f.Name, value) {
				return // e.g. CODER_OUTPUT=table is for list; whoami keeps its default
			}
			bindErr = usageErrorf("$%s: invalid value %q for --%s: %w", env, value, f.Name, err)
			return
		}
		sources[f.Name] = sourceEnv
	})
	if bindErr != nil || dir == "" {
		return sources, nil, bindErr
	}

	// Most runs have no config.yaml; a stat is all they pay for.
	path := dir.path(configFileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return sources, nil, nil
	}
	// A viper of its own: the one above would answer Get with an environment
	// value that was skipped, instead of the file's.
	file := viper.New()
	file.SetConfigFile(path)
	file.SetConfigType("yaml")
	if err := file.ReadInConfig(); err != nil {
		return nil, nil, usageErrorf("read %s: %w", path, err)
	}
	for _, forbidden := range notFromConfigFile {
		if file.InConfig(forbidden.name) {
			return nil, nil, usageErrorf("%s may not set %q: %s", path, forbidden.name, forbidden.why)
		}
	}
	warnings := configKeyWarnings(every(), path, file.AllKeys())
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if bindErr != nil || sources[f.Name] != sourceDefault || !file.InConfig(f.Name) || commandLineOnly(f) {
			return
		}
		if err := setFlagFromConfig(f, file.Get(f.Name)); err != nil {
			if choiceOfAnotherCommand(every(), cmd, f.Name, fmt.Sprint(file.Get(f.Name))) {
				return
			}
			bindErr = usageErrorf("%s: %s: invalid value %q: %w", path, f.Name, fmt.Sprint(file.Get(f.Name)), err)
			return
		}
		sources[f.Name] = sourceConfigFile
	})
	return sources, warnings, bindErr
}

// configKeyWarnings reports keys of config.yaml that no command reads: a
// misspelt "ouptut: json" would otherwise be ignored without a word. Keys
// are checked against every command's flags, since the file is shared.
func configKeyWarnings(root *cobra.Command, path string, keys []string) []string {
	known := map[string]bool{}
	cmdLineOnly := map[string]bool{}
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		visitFlag := func(f *pflag.Flag) {
			switch {
			case commandLineOnly(f):
				cmdLineOnly[f.Name] = true
			case envName(f) != "":
				known[f.Name] = true
			}
		}
		c.LocalFlags().VisitAll(visitFlag)
		c.PersistentFlags().VisitAll(visitFlag)
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	names := make([]string, 0, len(known))
	for name := range known {
		names = append(names, name)
	}
	slices.Sort(names)

	var warnings []string
	for _, key := range keys {
		switch {
		case known[key]:
		case cmdLineOnly[key]:
			warnings = append(warnings, fmt.Sprintf("%s: %q is ignored: --%s is for the command line only", path, key, key))
		default:
			msg := fmt.Sprintf("%s: unknown key %q is ignored", path, key)
			if best := closest(key, names); best != "" {
				msg += fmt.Sprintf("; did you mean %q?", best)
			}
			warnings = append(warnings, msg)
		}
	}
	return warnings
}

// closest returns the candidate within edit distance 2 of s (or whose
// spelling with - for _ matches), nearest first, or "".
func closest(s string, candidates []string) string {
	normal := strings.ReplaceAll(s, "_", "-")
	best, bestDist := "", 3
	for _, c := range candidates {
		if c == normal {
			return c
		}
		if d := editDistance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance, small enough to keep here
// rather than pull in a library for one did-you-mean.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// choiceOfAnotherCommand reports whether value is one of the choices another
// command offers for a flag of the same name. Environment variables and
// config.yaml are shared by every command, so "output: table" must not break
// whoami, whose --output knows only text and json; a typo still fails.
//
// root may be another build of the tree than cmd's, so cmd is known by its
// path.
func choiceOfAnotherCommand(root, cmd *cobra.Command, name, value string) bool {
	found := false
	self := cmd.CommandPath()
	var visit func(c *cobra.Command)
	visit = func(c *cobra.Command) {
		if c.CommandPath() != self {
			if f := c.LocalFlags().Lookup(name); f != nil {
				if enum, ok := f.Value.(*enumValue); ok && slices.Contains(enum.choices, value) {
					found = true
				}
			}
		}
		for _, sub := range c.Commands() {
			visit(sub)
		}
	}
	visit(root)
	return found
}

// setFlagFromString applies an environment value. List flags take a
// comma-separated value, like the flag itself.
func setFlagFromString(f *pflag.Flag, value string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return sv.Replace(splitList(value))
	}
	return f.Value.Set(value)
}

func setFlagFromConfig(f *pflag.Flag, value any) error {
	if list, ok := value.([]any); ok {
		sv, isSlice := f.Value.(pflag.SliceValue)
		if !isSlice {
			return fmt.Errorf("want a single value, got a list")
		}
		items := make([]string, 0, len(list))
		for _, item := range list {
			items = append(items, fmt.Sprint(item))
		}
		return sv.Replace(items)
	}
	return setFlagFromString(f, fmt.Sprint(value))
}

func splitList(value string) []string {
	var out []string
	for _, item := range strings.Split(value, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}
