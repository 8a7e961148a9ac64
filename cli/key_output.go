package cli

import (
	"fmt"
	"io"

	"github.com/scopedtokens/coder/internal/workflow"
	"github.com/scopedtokens/coder/sdk"
)

// writeKey prints the key (text), one NAME=key line (env) or metadata plus
// key (JSON), to stdout or the --output-file. Under GitHub Actions the key
// is registered with the log masker before it is written anywhere.
//
// When the file cannot take the key, the key is not printed instead: stdout
// is often a CI log. The token is revoked and the command fails.
func writeKey(opts *createOptions, result workflow.Result, revoke func(id string) error) error {
	meta, key, verification := result.Token, result.Key, verificationOf(result)
	maskKeyInCILogs(opts.Getenv, opts.IO.ErrOut, key)
	if opts.OutputFile != "" {
		err := writeKeyFile(opts.OutputFile, opts.Force, keyFileContent(opts.Output.String(), opts.EnvName, key))
		if err != nil {
			id := meta.ID
			if keyID, _, ok := sdk.SplitToken(key); ok {
				id = keyID
			}
			fileErr := &keyFileError{Path: opts.OutputFile, ID: id, Err: err}
			if id != "" {
				fileErr.RevokeErr = revoke(id)
			}
			return fileErr
		}
		fmt.Fprintf(opts.IO.ErrOut, "Wrote the key of token %q (ID %s) to %s.\n", meta.TokenName, meta.ID, opts.OutputFile)
		if opts.Output.String() == "json" {
			return opts.Output.writeJSON(opts.IO, struct {
				sdk.APIKey
				Verification *verificationJSON `json:"verification,omitempty"`
			}{meta, verification})
		}
		return nil
	}
	return writeKeyWith(opts.IO, opts.Output, opts.EnvName, meta, key, verification)
}

// keyFileContent is what --output-file holds: the key alone, which
// --token-file and $CODER_SESSION_TOKEN_FILE read, or with -o env the
// NAME=key line, for a dotenv file.
func keyFileContent(format, envName, key string) []byte {
	if format == "env" {
		return []byte(envLine(envName, key))
	}
	return []byte(key + "\n")
}

func writeKeyTo(streams *IOStreams, output *outputFlags, envName string, meta sdk.APIKey, key string) error {
	return writeKeyWith(streams, output, envName, meta, key, nil)
}

// writeKeyWith is writeKeyTo with the verdicts of a verified create, which
// JSON output carries.
func writeKeyWith(streams *IOStreams, output *outputFlags, envName string, meta sdk.APIKey, key string, verification *verificationJSON) error {
	switch output.String() {
	case "json":
		return output.writeJSON(streams, struct {
			sdk.APIKey
			Key          string            `json:"key"`
			Verification *verificationJSON `json:"verification,omitempty"`
		}{meta, key, verification})
	case "env":
		_, err := io.WriteString(streams.Out, envLine(envName, key))
		return err
	}
	if streams.IsStdoutTTY() {
		fmt.Fprintln(streams.ErrOut, "Store this key now: it is shown only once and cannot be retrieved later.")
	}
	_, err := fmt.Fprintln(streams.Out, key)
	return err
}

func wireStrings(targets []sdk.AllowListTarget) []string {
	out := make([]string, len(targets))
	for i, t := range targets {
		out[i] = t.String()
	}
	return out
}

// checkForToken says how to find, and get rid of, a token that may exist.
func checkForToken(name string) string {
	if name == "" {
		return "check with 'coder tokens ls' and remove it if it is there"
	}
	return fmt.Sprintf("check with 'coder tokens view %s' and remove it with 'coder tokens rm --delete %s' if it is there", name, name)
}

// writeKeyFile checks the destination again (it may have changed since the
// flags were checked) and writes to it.
func writeKeyFile(path string, force bool, data []byte) error {
	kf, err := checkKeyFile(path, force)
	if err != nil {
		return err
	}
	return kf.write(data)
}
