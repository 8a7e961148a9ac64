package credstore

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// The entry upstream coder, Coder Desktop and the IDE extensions share: one
// item holding a JSON object keyed by lower-cased host.
const (
	KeyringService = "coder-v2-credentials"
	KeyringAccount = "coder-login-credentials"
)

// DefaultKeyringTimeout bounds every keyring call: a locked or absent
// keyring (no Secret Service, a dialog nobody answers) must not hang the CLI.
const DefaultKeyringTimeout = 3 * time.Second

// ErrNotFound means the keyring has no item, or no entry for a URL's host.
var ErrNotFound = gokeyring.ErrNotFound

// Provider is an OS keyring. Get returns ErrNotFound for a missing item.
type Provider interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// GoKeyring is go-keyring's provider for this OS (the Secret Service on
// Linux); its MockInit replaces it in unit tests.
type GoKeyring struct{}

func (GoKeyring) Get(service, user string) (string, error) { return gokeyring.Get(service, user) }
func (GoKeyring) Set(service, user, s string) error        { return gokeyring.Set(service, user, s) }
func (GoKeyring) Delete(service, user string) error        { return gokeyring.Delete(service, user) }

// Keyring reads and writes upstream's entry, with a timeout on every call.
type Keyring struct {
	Provider Provider
	Timeout  time.Duration
}

// TimeoutError is a keyring call that did not return in time.
type TimeoutError struct {
	Op      string
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the OS keyring did not answer a %s within %s (locked, or no keyring service running?)", e.Op, e.Timeout)
}

// OriginMismatchError is an entry for the right host but another scheme or
// port: an https login's token is never handed to http.
type OriginMismatchError struct{ Want, Stored string }

func (e *OriginMismatchError) Error() string {
	return fmt.Sprintf("the OS keyring's session for this host belongs to %s, not %s", e.Stored, e.Want)
}

type keyringCredential struct {
	CoderURL string `json:"coder_url"`
	APIToken string `json:"api_token"`
}

// call runs fn with the timeout. A call that times out keeps running in the
// background until the process exits; nothing waits for it.
func (k *Keyring) call(op string, fn func() (string, error)) (string, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = DefaultKeyringTimeout
	}
	type result struct {
		value string
		err   error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.value, r.err
	case <-timer.C:
		return "", &TimeoutError{Op: op, Timeout: timeout}
	}
}

func (k *Keyring) load() (map[string]keyringCredential, error) {
	raw, err := k.call("read", func() (string, error) { return k.Provider.Get(KeyringService, KeyringAccount) })
	if errors.Is(err, gokeyring.ErrNotFound) {
		return map[string]keyringCredential{}, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeCredentials(raw)
}

// decodeCredentials accepts the JSON itself or, as macOS's keychain holds it
// for upstream, its base64.
func decodeCredentials(raw string) (map[string]keyringCredential, error) {
	raw = strings.TrimSpace(raw)
	creds := map[string]keyringCredential{}
	if raw == "" {
		return creds, nil
	}
	data := []byte(raw)
	if !strings.HasPrefix(raw, "{") {
		decoded, err := base64.StdEncoding.DecodeString(raw)
		if err != nil {
			return nil, fmt.Errorf("the OS keyring's %s entry is neither JSON nor base64", KeyringService)
		}
		data = decoded
	}
	if err := json.Unmarshal(data, &creds); err != nil {
		return nil, fmt.Errorf("the OS keyring's %s entry is not the JSON object coder writes: %w", KeyringService, err)
	}
	return creds, nil
}

func (k *Keyring) store(creds map[string]keyringCredential) error {
	if len(creds) == 0 {
		_, err := k.call("delete", func() (string, error) { return "", k.Provider.Delete(KeyringService, KeyringAccount) })
		if errors.Is(err, gokeyring.ErrNotFound) {
			return nil
		}
		return err
	}
	data, err := json.Marshal(creds)
	if err != nil {
		return err
	}
	_, err = k.call("write", func() (string, error) {
		return "", k.Provider.Set(KeyringService, KeyringAccount, encodeForPlatform(data))
	})
	return err
}

// Read returns the token stored for u's origin (scheme, host and port).
// Entries written by upstream before it recorded the scheme hold only the
// host; they count as https, the safe assumption upstream makes too.
func (k *Keyring) Read(u *url.URL) (string, error) {
	creds, err := k.load()
	if err != nil {
		return "", err
	}
	host, cred, ok := lookup(creds, u)
	if !ok || cred.APIToken == "" {
		return "", ErrNotFound
	}
	if stored, want := credentialOrigin(cred, host), Origin(u); stored != want {
		return "", &OriginMismatchError{Want: want, Stored: stored}
	}
	return cred.APIToken, nil
}

// Write stores token for u, keyed by host as upstream does, recording the
// origin so a later read can tell http from https.
func (k *Keyring) Write(u *url.URL, token string) error {
	creds, err := k.load()
	if err != nil {
		return err
	}
	creds[hostKey(u)] = keyringCredential{CoderURL: Origin(u), APIToken: token}
	return k.store(creds)
}

// Delete removes u's entry, but never another origin's on the same host.
func (k *Keyring) Delete(u *url.URL) error {
	creds, err := k.load()
	if err != nil {
		return err
	}
	host, cred, ok := lookup(creds, u)
	if !ok {
		return nil
	}
	if stored, want := credentialOrigin(cred, host), Origin(u); stored != want {
		return &OriginMismatchError{Want: want, Stored: stored}
	}
	delete(creds, host)
	return k.store(creds)
}

// hostKey is the entry's key: the lower-cased host, as upstream writes it,
// without a port that is the scheme's default.
func hostKey(u *url.URL) string {
	origin := Origin(u)
	return origin[strings.Index(origin, "://")+3:]
}

func lookup(creds map[string]keyringCredential, u *url.URL) (string, keyringCredential, bool) {
	for _, key := range []string{hostKey(u), strings.ToLower(u.Host)} {
		if cred, ok := creds[key]; ok {
			return key, cred, true
		}
	}
	return "", keyringCredential{}, false
}

func credentialOrigin(cred keyringCredential, host string) string {
	if u, err := url.Parse(strings.TrimSpace(cred.CoderURL)); err == nil && u.Scheme != "" && u.Host != "" {
		return Origin(u)
	}
	return Origin(&url.URL{Scheme: "https", Host: host})
}

// Origin is scheme://host[:port] lower-cased, without the scheme's default
// port: what a token is bound to.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Host)
	switch {
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	}
	return scheme + "://" + host
}
