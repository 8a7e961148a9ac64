package cli

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

// net/http logs an unsolicited response by quoting the server's bytes; those
// may hold a key or the session token, and terminal escapes.
func TestStdlibLogLinesAreRedactedAndOnlyShownWithVerbose(t *testing.T) {
	const key = "Mn0pQr1sTu-abcdefghijklmnopqrstuv"
	const session = "Zz9Yy8Xx7W-0123456789abcdefghijkl"
	line := `Unsolicited response received on idle HTTP channel starting with "HTTP/1.1 200 OK\r\n\r\n{\"key\":\"` + key + `\",\"s\":\"` + session + "\x1b]0;x\x07\"}\"; err=<nil>"
	for _, verbose := range []bool{false, true} {
		var errOut bytes.Buffer
		f := newFactory(&IOStreams{ErrOut: &errOut})
		f.global.verbose = verbose
		f.creds = &credentials{token: session}
		restore := routeStdlibLog(f)
		log.Print(line)
		restore()
		got := errOut.String()
		if !verbose {
			if got != "" {
				t.Errorf("without -v the log line was shown: %q", got)
			}
			continue
		}
		if !strings.Contains(got, "Unsolicited response") {
			t.Fatalf("with -v the log line is missing: %q", got)
		}
		for _, secret := range []string{"abcdefghijklmnopqrstuv", "0123456789abcdefghijkl", "\x1b"} {
			if strings.Contains(got, secret) {
				t.Errorf("the log line shows %q: %q", secret, got)
			}
		}
	}
}
