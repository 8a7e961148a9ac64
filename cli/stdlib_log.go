package cli

import (
	"io"
	"log"
	"sync"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

// stdlibLog receives what the standard library logs on its own, such as
// net/http's "Unsolicited response received on idle HTTP channel starting
// with ...", which quotes raw bytes from the server: a key, a session token
// or terminal escapes. It shows those lines only with -v, and then redacted
// and escaped like the rest of the request log.
type stdlibLog struct {
	f  *Factory
	mu sync.Mutex
}

func (l *stdlibLog) Write(p []byte) (int, error) {
	if !l.f.global.verbose {
		return len(p), nil
	}
	var secrets []string
	if l.f.creds != nil {
		secrets = append(secrets, l.f.creds.token)
	}
	text := safetext.EscapeLines(sdk.Redact(string(p), secrets...))
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := io.WriteString(l.f.IO.ErrOut, text); err != nil {
		return 0, err
	}
	return len(p), nil
}

// routeStdlibLog sends the standard logger through stdlibLog for one run and
// returns a function that puts it back.
func routeStdlibLog(f *Factory) func() {
	out, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(&stdlibLog{f: f})
	log.SetFlags(0)
	log.SetPrefix("")
	return func() {
		log.SetOutput(out)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
	}
}
