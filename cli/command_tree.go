package cli

import (
	"slices"
	"sync"

	"github.com/spf13/cobra"
)

// commandSpec names a command before it is built, so that run can build only
// the commands a command line reaches. Building every command and its flags
// was a quarter of `coder --version` (about 4 ms of 17 ms on a 2-core VM:
// code pages faulted in, pflag sets created and merged) spent on commands
// that never run.
type commandSpec struct {
	name    string
	aliases []string
	// build makes the command without the children listed below (a
	// command's own constructor may still add small children itself).
	build    func(*Factory) *cobra.Command
	children []commandSpec
}

// commandTree is every command under the root. TestCommandTreeNames keeps
// the names here equal to the built commands' Use and Aliases.
var commandTree = []commandSpec{
	{name: "tokens", aliases: []string{"token"}, build: newTokensCommand, children: []commandSpec{
		{name: "create", build: newTokensCreateCommand},
		{name: "exec", build: newTokensExecCommand},
		{name: "rotate", build: newTokensRotateCommand},
		{name: "list", aliases: []string{"ls"}, build: newTokensListCommand},
		{name: "view", build: newTokensViewCommand},
		{name: "remove", aliases: []string{"rm", "delete"}, build: newTokensRemoveCommand},
		{name: "prune", build: newTokensPruneCommand},
		{name: "scopes", build: newTokensScopesCommand},
		{name: "check", build: newTokensCheckCommand},
	}},
	{name: "tokenconfig", build: newTokenConfigCommand},
	{name: "login", build: newLoginCommand},
	{name: "logout", build: newLogoutCommand},
	{name: "whoami", build: newWhoamiCommand},
	{name: "profile", build: newProfileCommand},
	{name: "formatting", build: func(*Factory) *cobra.Command { return newFormattingTopic() }},
}

// newRootCommand builds every command: help, completion, the generated docs
// and the checks of shared settings need them all.
func newRootCommand(f *Factory) *cobra.Command {
	root := newRootShell(f)
	addCommands(f, root, commandTree)
	useCommaFriendlyBash(root)
	registerLookupCompletions(root, f)
	f.everyCommand = func() *cobra.Command { return root }
	return root
}

func addCommands(f *Factory, parent *cobra.Command, specs []commandSpec) {
	for _, spec := range specs {
		cmd := spec.build(f)
		addCommands(f, cmd, spec.children)
		parent.AddCommand(cmd)
	}
}

// newRootCommandFor builds the commands args reach, or all of them when args
// name none in particular. cobra itself decides what args reach: each
// command starts as a stub that has only its names, root.Find resolves args
// against the stubs, and the stub found is built, until Find stops at a built
// command. That command runs with exactly the flags it has in the whole
// tree, since it and its ancestors are the real ones.
//
// The whole tree is built when anything could list or complete commands: a
// Find error, the root without --version (help), a group such as `coder
// tokens` (its help lists its children), and `help`, `completion` and
// `__complete`, which cobra adds only later and so reach the root here.
func newRootCommandFor(f *Factory, args []string) *cobra.Command {
	root := newRootShell(f)
	stubs := map[*cobra.Command]commandSpec{}
	addStubs(root, commandTree, stubs)
	var found *cobra.Command
	var err error
	for {
		found, _, err = root.Find(args)
		spec, isStub := stubs[found]
		if err != nil || !isStub {
			break
		}
		delete(stubs, found)
		cmd := spec.build(f)
		addStubs(cmd, spec.children, stubs)
		parent := found.Parent()
		parent.RemoveCommand(found)
		parent.AddCommand(cmd)
	}
	if err == nil && (!hasStubChild(found, stubs) || found == root && asksOnlyVersion(args)) {
		for stub := range stubs {
			stub.Parent().RemoveCommand(stub)
		}
		f.everyCommand = sync.OnceValue(func() *cobra.Command { return newRootCommand(newFactory(f.IO)) })
		return root
	}
	buildStubs(f, root, stubs)
	useCommaFriendlyBash(root)
	registerLookupCompletions(root, f)
	f.everyCommand = func() *cobra.Command { return root }
	return root
}

// addStubs gives parent a placeholder for each spec. A stub's children are
// not stubbed: they are added when the stub is built.
func addStubs(parent *cobra.Command, specs []commandSpec, stubs map[*cobra.Command]commandSpec) {
	for _, spec := range specs {
		stub := &cobra.Command{Use: spec.name, Aliases: spec.aliases}
		stubs[stub] = spec
		parent.AddCommand(stub)
	}
}

// buildStubs replaces every stub under cmd by its command.
func buildStubs(f *Factory, cmd *cobra.Command, stubs map[*cobra.Command]commandSpec) {
	for _, c := range cmd.Commands() {
		if spec, ok := stubs[c]; ok {
			cmd.RemoveCommand(c)
			addCommands(f, cmd, []commandSpec{spec})
		} else {
			buildStubs(f, c, stubs)
		}
	}
}

func hasStubChild(cmd *cobra.Command, stubs map[*cobra.Command]commandSpec) bool {
	return slices.ContainsFunc(cmd.Commands(), func(c *cobra.Command) bool {
		_, ok := stubs[c]
		return ok
	})
}

// asksOnlyVersion reports whether the root would print its version (and
// nothing that lists commands): help wins over --version in cobra.
func asksOnlyVersion(args []string) bool {
	return slices.Contains(args, "--version") && !slices.Contains(args, "--help") && !slices.Contains(args, "-h")
}
