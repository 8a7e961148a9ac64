package credstore

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// Like ssh's StrictModes: a directory or file others can write is refused.
func TestLoadRefusesFilesOthersCanWrite(t *testing.T) {
	tests := []struct {
		name    string
		path    string // relative to the config directory; "" is the directory
		mode    os.FileMode
		wantFix string
	}{
		{"group-writable directory", "", 0o770, "chmod 700 "},
		{"world-writable directory", "", 0o707, "chmod 700 "},
		{"group-writable url file", urlFile, 0o620, "chmod 600 "},
		{"world-writable session file", sessionFile, 0o602, "chmod 600 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "coderv2")
			s := &Store{Dir: dir}
			if _, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a", ""); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tt.path)
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			l, err := s.Load("")
			var untrusted *UntrustedError
			if !errors.As(err, &untrusted) {
				t.Fatalf("Load = %+v, %v; want an UntrustedError", l, err)
			}
			if untrusted.Path != path || untrusted.Fix() != tt.wantFix+path {
				t.Errorf("error names %s, fix %q; want %s and %q", untrusted.Path, untrusted.Fix(), path, tt.wantFix+path)
			}
			// Readable by others is a leak, not a trust problem: still loaded.
			os.Chmod(path, map[bool]os.FileMode{true: 0o755, false: 0o644}[tt.path == ""])
			if l, err := s.Load(""); err != nil || l.Token != "token-a" {
				t.Errorf("after fixing the mode: %+v, %v", l, err)
			}
		})
	}
}

// blockingProvider is a keyring that never answers, like a locked keyring
// waiting on a dialog nobody sees.
type blockingProvider struct{ release chan struct{} }

func (b blockingProvider) Get(string, string) (string, error) { <-b.release; return "", nil }
func (b blockingProvider) Set(string, string, string) error   { <-b.release; return nil }
func (b blockingProvider) Delete(string, string) error        { <-b.release; return nil }

func TestKeyringUpstreamFormat(t *testing.T) {
	gokeyring.MockInit()
	k := &Keyring{Provider: GoKeyring{}}
	// Written as upstream writes it: keyed by lower-cased host; old entries
	// and Coder Desktop record only the host.
	entry := `{"coder.example.com":{"coder_url":"coder.example.com","api_token":"legacy-token"},` +
		`"dev.example.com:8080":{"coder_url":"http://dev.example.com:8080","api_token":"http-token"}}`
	if err := gokeyring.Set(KeyringService, KeyringAccount, entry); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		url       string
		wantToken string
		wantErr   string
	}{
		{"https://Coder.Example.com", "legacy-token", ""},
		{"https://coder.example.com:443/path", "legacy-token", ""},
		{"http://coder.example.com", "", "belongs to https://coder.example.com, not http://coder.example.com"},
		{"http://dev.example.com:8080", "http-token", ""},
		{"https://dev.example.com:8080", "", "belongs to http://dev.example.com:8080, not https://dev.example.com:8080"},
		{"https://other.example.com", "", ErrNotFound.Error()},
	}
	for _, tt := range tests {
		got, err := k.Read(mustURL(t, tt.url))
		if got != tt.wantToken || (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("Read(%s) = %q, %v; want %q, %q", tt.url, got, err, tt.wantToken, tt.wantErr)
		}
	}
	// Writing one host keeps the others and records the full origin.
	if err := k.Write(mustURL(t, "https://new.example.com"), "new-token"); err != nil {
		t.Fatal(err)
	}
	raw, _ := gokeyring.Get(KeyringService, KeyringAccount)
	for _, want := range []string{`"new.example.com":{"coder_url":"https://new.example.com","api_token":"new-token"}`, "legacy-token", "http-token"} {
		if !strings.Contains(raw, want) {
			t.Errorf("entry after a write lacks %s: %s", want, raw)
		}
	}
	// An https login's entry is not deleted by an http logout.
	if err := k.Delete(mustURL(t, "http://coder.example.com")); err == nil {
		t.Error("Delete for http removed the https entry")
	}
	// macOS holds upstream's entry as base64 of the JSON.
	gokeyring.Set(KeyringService, KeyringAccount, base64.StdEncoding.EncodeToString([]byte(entry)))
	if got, err := k.Read(mustURL(t, "https://coder.example.com")); got != "legacy-token" {
		t.Errorf("base64 entry: %q, %v", got, err)
	}
}

func TestHungKeyringTimesOutAndFallsBackToFile(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	var warnings []string
	s := &Store{
		Dir:        filepath.Join(t.TempDir(), "coderv2"),
		Keyring:    &Keyring{Provider: blockingProvider{release}, Timeout: 50 * time.Millisecond},
		UseKeyring: true,
		Warn:       func(msg string) { warnings = append(warnings, msg) },
	}
	start := time.Now()
	saved, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a", "")
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Save took %s with a hung keyring", elapsed)
	}
	if saved.Storage != StorageFile || len(warnings) != 1 || !strings.Contains(warnings[0], "did not answer a read within 50ms") ||
		!strings.Contains(warnings[0], "storing it in the session file instead") {
		t.Errorf("storage %s, warnings %q; want the file and one timeout warning", saved.Storage, warnings)
	}
	if l, err := s.Load(""); err != nil || l.Token != "token-a" {
		t.Errorf("Load = %+v, %v", l, err)
	}
}

func TestProfiles(t *testing.T) {
	gokeyring.MockInit()
	dir := filepath.Join(t.TempDir(), "coderv2")
	s := &Store{Dir: dir, Keyring: &Keyring{Provider: GoKeyring{}}}
	if _, err := s.Save("work", mustURL(t, "https://work.example.com"), "token-work", "alice"); err != nil {
		t.Fatal(err)
	}
	s.UseKeyring = true
	if _, err := s.Save("lab", mustURL(t, "http://localhost:3000"), "token-lab", "bob"); err != nil {
		t.Fatal(err)
	}
	s.UseKeyring = false
	// The active profile is where upstream reads it; the other is kept.
	if u, sess := readTop(t, dir); u != "http://localhost:3000" || sess != "<none>" {
		t.Errorf("top = %s, %s; want lab's url and no session file (keyring)", u, sess)
	}
	logins, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range logins {
		got = append(got, l.Profile+" "+l.URL+" "+l.User+" "+l.Storage+map[bool]string{true: " active"}[l.Active]+l.Token)
	}
	want := []string{"lab http://localhost:3000 bob keyring active", "work https://work.example.com alice file"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("List = %q, want %q", got, want)
	}
	// Each profile's token with its own URL.
	for profile, wantToken := range map[string]string{"": "token-lab", "lab": "token-lab", "work": "token-work"} {
		if l, err := s.Load(profile); err != nil || l.Token != wantToken {
			t.Errorf("Load(%q) = %+v, %v; want %s", profile, l, err, wantToken)
		}
	}
	if _, err := s.Use("work"); err != nil {
		t.Fatal(err)
	}
	if u, sess := readTop(t, dir); u != "https://work.example.com" || sess != "token-work" {
		t.Errorf("after use work: %s, %s", u, sess)
	}
	if l, err := s.Load("lab"); err != nil || l.Token != "token-lab" {
		t.Errorf("lab after switching away: %+v, %v", l, err)
	}
	if _, err := s.Remove("lab"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load("lab"); !errors.Is(err, ErrNoProfile) {
		t.Errorf("Load(lab) after remove = %v", err)
	}
	if _, err := gokeyring.Get(KeyringService, KeyringAccount); !errors.Is(err, gokeyring.ErrNotFound) {
		t.Errorf("keyring entry survived removing its profile: %v", err)
	}
	if _, err := s.Use("nope"); !errors.Is(err, ErrNoProfile) {
		t.Errorf("Use(nope) = %v", err)
	}
}

// Reading never creates the directory; a login is 0600 files in a 0700 one.
func TestModesAndNoDirectoryOnRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "coderv2")
	s := &Store{Dir: dir}
	if l, err := s.Load(""); err != nil || l.URL != "" {
		t.Fatalf("Load of nothing = %+v, %v", l, err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("Load created the directory: %v", err)
	}
	if _, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a\n", ""); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, urlFile): 0o600,
		filepath.Join(dir, sessionFile): 0o600, filepath.Join(dir, metaFile): 0o600} {
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != want {
			t.Errorf("%s: %v, %v; want mode %04o", path, info.Mode().Perm(), err, want)
		}
	}
	if l, _ := s.Load(""); l.Token != "token-a" {
		t.Errorf("token read back as %q, want it trimmed", l.Token)
	}
	// A url or session path that is not a small regular file is an error,
	// not an endless read.
	os.Remove(filepath.Join(dir, sessionFile))
	if err := os.Symlink("/dev/zero", filepath.Join(dir, sessionFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(""); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Load with session -> /dev/zero = %v", err)
	}
	os.Remove(filepath.Join(dir, sessionFile))
	if err := os.WriteFile(filepath.Join(dir, sessionFile), make([]byte, 100<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(""); err == nil || !strings.Contains(err.Error(), "larger than 64 KiB") {
		t.Errorf("Load with a 100 KiB session file = %v", err)
	}
}
