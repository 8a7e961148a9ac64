// Package credstore keeps logins: the url and session files upstream coder
// reads at the top of the config directory (the active profile), other
// profiles under profiles/NAME, and tokens in the OS keyring in upstream's
// format. Every change is made under a lock on the directory and as one
// unit, so a token is never left next to another deployment's url.
package credstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Storage kinds, as shown by `coder profile list`.
const (
	StorageFile    = "file"
	StorageKeyring = "keyring"
)

// DefaultProfile names a login made without --profile (and upstream's).
const DefaultProfile = "default"

const profilesDir = "profiles"

// Store is one config directory.
type Store struct {
	Dir string
	// Keyring is consulted for reads when UseKeyring is set or a profile
	// says its token is there; writes go there only with UseKeyring.
	Keyring    *Keyring
	UseKeyring bool
	// Warn receives warnings (keyring fallbacks); nil drops them.
	Warn     func(string)
	LockWait time.Duration

	ops fileOps
}

// Login is one profile's stored state.
type Login struct {
	Profile   string
	URL       string
	Token     string
	TokenPath string // the session file, when the token came from one
	Storage   string // StorageFile, StorageKeyring, or "" without a token
	User      string
	Active    bool
}

type meta struct {
	Name    string `json:"name"`
	URL     string `json:"url,omitempty"`
	User    string `json:"user,omitempty"`
	Storage string `json:"storage,omitempty"`
}

// profileName is compiled on first use: the bounded repetition makes a large
// program (~850 allocations), which every command would otherwise pay at
// start-up, though only profile commands and --profile need it.
var profileName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
})

// ValidProfileName reports whether name can be a profile (it becomes a
// directory name).
func ValidProfileName(name string) error {
	if !profileName().MatchString(name) {
		return fmt.Errorf("invalid profile name %q: use letters, digits, '.', '_' and '-', starting with a letter or digit", name)
	}
	return nil
}

// ErrNoProfile is a profile that does not exist.
var ErrNoProfile = errors.New("no such profile")

func (s *Store) fileOps() fileOps {
	if s.ops.rename == nil {
		return osOps
	}
	return s.ops
}

func (s *Store) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}

func (s *Store) lockWait() time.Duration {
	if s.LockWait > 0 {
		return s.LockWait
	}
	return 10 * time.Second
}

// readLock takes the shared lock; with no directory there is nothing to lock.
func (s *Store) readLock() (func(), error) {
	if _, err := os.Stat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		return func() {}, nil
	}
	if err := checkTrusted(s.Dir); err != nil {
		return nil, err
	}
	return lockDir(s.Dir, false, s.lockWait())
}

// writeLock creates the directory (0700) and takes the exclusive lock, then
// removes what a crashed writer left behind.
func (s *Store) writeLock() (func(), error) {
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the config directory: %w", err)
	}
	if err := checkTrusted(s.Dir); err != nil {
		return nil, err
	}
	unlock, err := lockDir(s.Dir, true, s.lockWait())
	if err != nil {
		return nil, err
	}
	removeStaleTemps(s.Dir)
	removeStaleTemps(filepath.Join(s.Dir, profilesDir))
	return unlock, nil
}

func (s *Store) profileDir(name string) string { return filepath.Join(s.Dir, profilesDir, name) }

// readFiles reads one login's files from dir without touching the keyring.
func readFiles(dir string) (Login, meta, error) {
	var l Login
	var m meta
	if err := checkTrusted(dir); err != nil {
		return l, m, err
	}
	u, err := readState(filepath.Join(dir, urlFile))
	if err != nil {
		return l, m, err
	}
	token, err := readState(filepath.Join(dir, sessionFile))
	if err != nil {
		return l, m, err
	}
	if raw, err := readState(filepath.Join(dir, metaFile)); err == nil && raw != "" {
		_ = json.Unmarshal([]byte(raw), &m) // a damaged profile.json only loses the name and user
	}
	if m.URL != "" && m.URL != u {
		// Written over by another tool (upstream's login): the user and
		// storage no longer describe this url.
		m.User, m.Storage = "", ""
	}
	l = Login{URL: u, Token: token, User: m.User, Profile: m.Name, Storage: m.Storage}
	if token != "" {
		l.Storage, l.TokenPath = StorageFile, filepath.Join(dir, sessionFile)
	}
	return l, m, nil
}

// activeName is the active profile's name; "" when nothing is logged in.
func activeName(top Login) string {
	if top.URL == "" {
		return ""
	}
	if top.Profile == "" {
		return DefaultProfile
	}
	return top.Profile
}

// Load returns the stored login of profile, or of the active one for "".
// A missing login is not an error: the Login has no URL.
func (s *Store) Load(profile string) (*Login, error) {
	unlock, err := s.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	top, _, err := readFiles(s.Dir)
	if err != nil {
		return nil, err
	}
	l := top
	if active := activeName(top); profile == "" || profile == active {
		l.Profile, l.Active = active, true
	} else {
		if err := ValidProfileName(profile); err != nil {
			return nil, err
		}
		if l, _, err = readFiles(s.profileDir(profile)); err != nil {
			return nil, err
		}
		if l.URL == "" {
			return nil, fmt.Errorf("%w %q in %s", ErrNoProfile, profile, s.Dir)
		}
		l.Profile = profile
	}
	if l.Token == "" && l.URL != "" && (s.UseKeyring || l.Storage == StorageKeyring) && s.Keyring != nil {
		s.readKeyring(&l)
	}
	return &l, nil
}

func (s *Store) readKeyring(l *Login) {
	u, err := url.Parse(l.URL)
	if err != nil || u.Host == "" {
		return
	}
	token, err := s.Keyring.Read(u)
	var mismatch *OriginMismatchError
	switch {
	case err == nil:
		l.Token, l.Storage = token, StorageKeyring
	case errors.Is(err, ErrNotFound):
	case errors.As(err, &mismatch):
		s.warn(fmt.Sprintf("%v; it is not sent (log in to %s to store one for it)", err, mismatch.Want))
	default:
		s.warn(fmt.Sprintf("cannot read the session from the OS keyring: %v; continuing without it (the session file is used when there is one)", err))
	}
}

// List returns every profile, the active one first, without reading tokens
// from the keyring.
func (s *Store) List() ([]Login, error) {
	unlock, err := s.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	var out []Login
	top, _, err := readFiles(s.Dir)
	if err != nil {
		return nil, err
	}
	active := activeName(top)
	if active != "" {
		top.Profile, top.Active = active, true
		out = append(out, s.describe(top))
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir, profilesDir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	var rest []Login
	for _, e := range entries {
		if !e.IsDir() || e.Name() == active || ValidProfileName(e.Name()) != nil {
			continue
		}
		l, _, err := readFiles(s.profileDir(e.Name()))
		if err != nil {
			return nil, err
		}
		if l.URL == "" {
			continue
		}
		l.Profile = e.Name()
		rest = append(rest, s.describe(l))
	}
	sort.Slice(rest, func(i, j int) bool { return rest[i].Profile < rest[j].Profile })
	return append(out, rest...), nil
}

// describe fills in where a token lives without reading it; the token
// itself is cleared so a listing can never print one.
func (s *Store) describe(l Login) Login {
	if l.Storage == "" && s.UseKeyring {
		l.Storage = StorageKeyring
	}
	l.Token = ""
	return l
}

// FindByOrigin returns the profile whose url has u's origin, if exactly one
// has.
func (s *Store) FindByOrigin(u *url.URL) (string, bool) {
	logins, err := s.List()
	if err != nil {
		return "", false
	}
	found := ""
	for _, l := range logins {
		if pu, err := url.Parse(l.URL); err == nil && Origin(pu) == Origin(u) {
			if found != "" {
				return "", false
			}
			found = l.Profile
		}
	}
	return found, found != ""
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// CheckTrusted refuses a config directory others can write, before a login
// spends a network round trip (or a password) on a directory it will not use.
func (s *Store) CheckTrusted() error { return checkTrusted(s.Dir) }
