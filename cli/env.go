package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
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

func envName(f *pflag.Flag) string {
	if names := f.Annotations[envAnnotation]; len(names) == 1 {
		return names[0]
	}
	return ""
}

// Flags config.yaml may not set: a token there would be a secret at rest
// outside the 0600 session file, and the config directory cannot name itself.
var notFromConfigFile = map[string]bool{
	"token": true, "token-file": true, "global-config": true,
}

// bindEnvironment fills every flag the user did not set on the command line
// from its CODER_* environment twin and then from config.yaml, giving the
// precedence flag > env > config file. It returns the source of every flag.
func bindEnvironment(cmd *cobra.Command, dir configDir) (map[string]valueSource, error) {
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
			bindErr = usageErrorf("invalid value %q in $%s for --%s: %w", value, env, f.Name, err)
			return
		}
		sources[f.Name] = sourceEnv
	})
	if bindErr != nil || dir == "" {
		return sources, bindErr
	}

	// Most runs have no config.yaml; a stat is all they pay for.
	path := dir.path(configFileName)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return sources, nil
	}
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		return nil, usageErrorf("read %s: %w", path, err)
	}
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if bindErr != nil || sources[f.Name] != sourceDefault || notFromConfigFile[f.Name] || !v.InConfig(f.Name) {
			return
		}
		if err := setFlagFromConfig(f, v.Get(f.Name)); err != nil {
			bindErr = usageErrorf("invalid value for %q in %s: %w", f.Name, path, err)
			return
		}
		sources[f.Name] = sourceConfigFile
	})
	return sources, bindErr
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
