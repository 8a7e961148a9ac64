package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// whoamiCommand returns the whoami command as `coder whoami` builds it: its
// tree holds whoami alone, and every() the whole tree, so other commands'
// --output choices must come from every().
func whoamiCommand(t *testing.T) (cmd *cobra.Command, every func() *cobra.Command) {
	t.Helper()
	f := newFactory(&IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}})
	root := newRootCommandFor(f, []string{"whoami"})
	cmd, _, err := root.Find([]string{"whoami"})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(root.Commands()); n != 1 {
		t.Fatalf("the tree for whoami has %d commands, want whoami alone", n)
	}
	return cmd, f.everyCommand
}

func TestBindEnvironment(t *testing.T) {
	tests := []struct {
		name       string
		envOutput  string
		configYAML string
		wantOutput string
		wantSource valueSource
		wantErr    string
	}{
		{name: "default", wantOutput: "text", wantSource: sourceDefault},
		{name: "env", envOutput: "json", wantOutput: "json", wantSource: sourceEnv},
		{name: "config file", configYAML: "output: json\n", wantOutput: "json", wantSource: sourceConfigFile},
		{name: "env beats config file", envOutput: "text", configYAML: "output: json\n", wantOutput: "text", wantSource: sourceEnv},
		{name: "another command's choice in env is skipped", envOutput: "table", wantOutput: "text", wantSource: sourceDefault},
		{name: "skipped env does not hide the config file", envOutput: "table", configYAML: "output: json\n", wantOutput: "json", wantSource: sourceConfigFile},
		{name: "typo in env", envOutput: "yml", wantErr: `$CODER_OUTPUT: invalid value "yml" for --output`},
		{name: "typo in config file", configYAML: "output: jsn\n", wantErr: `config.yaml: output: invalid value "jsn"`},
		{name: "token in config file", configYAML: "token: abc\n", wantErr: `may not set "token"`},
		{name: "config dir in config file", configYAML: "global-config: /tmp\n", wantErr: `may not set "global-config"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CODER_OUTPUT", tt.envOutput)
			if tt.envOutput == "" {
				os.Unsetenv("CODER_OUTPUT")
			}
			dir := configDir(t.TempDir())
			if tt.configYAML != "" {
				if err := os.WriteFile(filepath.Join(string(dir), configFileName), []byte(tt.configYAML), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cmd, every := whoamiCommand(t)
			sources, _, err := bindEnvironment(cmd, dir, every)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				if exitCode(err) != exitUsage {
					t.Errorf("exit code = %d, want %d", exitCode(err), exitUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cmd.Flags().Lookup("output").Value.String(); got != tt.wantOutput {
				t.Errorf("--output = %q, want %q", got, tt.wantOutput)
			}
			if sources["output"] != tt.wantSource {
				t.Errorf("source = %d, want %d", sources["output"], tt.wantSource)
			}
		})
	}
}
