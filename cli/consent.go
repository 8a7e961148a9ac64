package cli

import "fmt"

// requireConsent gates a destructive action, like gh: --yes proceeds, a
// terminal is asked, and anything else (a script, a pipe, CI) is refused,
// because "nobody said no" is not consent. action completes "refusing to …",
// e.g. "delete 3 tokens permanently".
func requireConsent(streams *IOStreams, yes bool, action, question string) (bool, error) {
	if yes {
		return true, nil
	}
	if !streams.CanPrompt() {
		return false, withHint(
			usageErrorf("refusing to %s without --yes: standard input is not a terminal, so there is no one to ask", action),
			"pass --yes (or set CODER_YES=true) to confirm")
	}
	return streams.confirm(question)
}

// plural is n with a noun in the right number: "1 token", "3 tokens".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
