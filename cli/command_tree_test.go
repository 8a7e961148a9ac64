package cli

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

func testFactory() *Factory {
	return newFactory(&IOStreams{In: strings.NewReader(""), Out: new(bytes.Buffer), ErrOut: new(bytes.Buffer)})
}

// TestCommandTreeNames keeps commandTree's names, which stand in for the
// commands before they are built, equal to the built commands' own.
func TestCommandTreeNames(t *testing.T) {
	var check func(parent string, specs []commandSpec)
	check = func(parent string, specs []commandSpec) {
		for _, spec := range specs {
			cmd := spec.build(testFactory())
			path := parent + " " + spec.name
			if cmd.Name() != spec.name || !slices.Equal(cmd.Aliases, spec.aliases) {
				t.Errorf("%s: spec names %q aliases %q; the command is %q aliases %q", path, spec.name, spec.aliases, cmd.Name(), cmd.Aliases)
			}
			check(path, spec.children)
		}
	}
	check("coder", commandTree)
}

// commandLines lists a command line for every runnable command of the whole
// tree, reached by name and by each alias.
func commandLines(root *cobra.Command) [][]string {
	var lines [][]string
	var walk func(c *cobra.Command, prefix []string)
	walk = func(c *cobra.Command, prefix []string) {
		for _, sub := range c.Commands() {
			if sub.Name() == "help" || sub.Name() == "completion" {
				continue
			}
			for _, name := range append([]string{sub.Name()}, sub.Aliases...) {
				line := append(slices.Clone(prefix), name)
				if !sub.HasSubCommands() {
					lines = append(lines, line)
				}
				walk(sub, line)
			}
		}
	}
	walk(root, nil)
	return lines
}

// flagSummary is what a user sees of a command's flags: names, shorthands,
// defaults and help, local and inherited.
func flagSummary(cmd *cobra.Command) string {
	var b strings.Builder
	cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%v\n", f.Name, f.Shorthand, f.DefValue, f.Usage, f.Annotations)
	})
	cmd.InheritedFlags().VisitAll(func(f *pflag.Flag) {
		fmt.Fprintf(&b, "inherited %s|%s|%s\n", f.Name, f.DefValue, f.Usage)
	})
	return b.String()
}

// TestCommandLineBuildsOnlyItsCommand runs every command's command line
// (with global flags before, between and after the names) through the tree
// run builds, and wants the command found there to be the whole tree's, flag
// for flag, with no sibling built.
func TestCommandLineBuildsOnlyItsCommand(t *testing.T) {
	full := newRootCommand(testFactory())
	for _, line := range commandLines(full) {
		variants := [][]string{
			line,
			append([]string{"--url", "http://x", "-v"}, line...),
			append(append(slices.Clone(line[:1]), "--timeout", "5s"), line[1:]...),
			append(slices.Clone(line), "--help"),
		}
		for _, args := range variants {
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				want, _, err := full.Find(args)
				if err != nil {
					t.Fatal(err)
				}
				root := newRootCommandFor(testFactory(), args)
				got, _, err := root.Find(args)
				if err != nil {
					t.Fatal(err)
				}
				if got.CommandPath() != want.CommandPath() {
					t.Fatalf("found %q, want %q", got.CommandPath(), want.CommandPath())
				}
				if g, w := flagSummary(got), flagSummary(want); g != w {
					t.Errorf("flags differ from the whole tree's:\n got:\n%s\nwant:\n%s", g, w)
				}
				// Where commandTree lists the children, only the one on the
				// path is built.
				parent, specs := root, commandTree
				for _, name := range strings.Fields(got.CommandPath())[1:] {
					if len(specs) == 0 {
						break
					}
					if n := len(parent.Commands()); n != 1 {
						t.Errorf("%q has %d commands built, want only %q", parent.CommandPath(), n, name)
					}
					i := slices.IndexFunc(specs, func(s commandSpec) bool { return s.name == name })
					parent, specs = parent.Commands()[0], specs[i].children
				}
			})
		}
	}
}

// TestCommandLineBuildsWholeTree covers the command lines that list or
// complete commands, or must suggest one: they get every command.
func TestCommandLineBuildsWholeTree(t *testing.T) {
	fullCount := countCommands(newRootCommand(testFactory()))
	for _, args := range [][]string{
		nil,
		{"--help"},
		{"--version", "--help"},
		{"help", "tokens"},
		{"tokens"},
		{"tokens", "--help"},
		{"tokens", "creat"},
		{"tokns", "ls"},
		{"completion", "bash"},
		{cobra.ShellCompRequestCmd, "tokens", "create", "--scope", ""},
		{cobra.ShellCompNoDescRequestCmd, "tok"},
		{"--url"}, // a flag missing its value: cobra reports it
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if got := countCommands(newRootCommandFor(testFactory(), args)); got != fullCount {
				t.Errorf("built %d commands, want all %d", got, fullCount)
			}
		})
	}
}

func TestVersionBuildsNoCommand(t *testing.T) {
	for _, args := range [][]string{{"--version"}, {"--url", "http://x", "--version"}} {
		if n := len(newRootCommandFor(testFactory(), args).Commands()); n != 0 {
			t.Errorf("%q built %d commands, want none", args, n)
		}
	}
}

func countCommands(c *cobra.Command) int {
	n := 1
	for _, sub := range c.Commands() {
		n += countCommands(sub)
	}
	return n
}
