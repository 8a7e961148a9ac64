package credstore

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
)

// Save stores a login as profile ("" keeps the active profile's name) and
// makes it the active one; a different active profile is kept under
// profiles/. It returns where the token went.
func (s *Store) Save(profile string, u *url.URL, token, user string) (*Login, error) {
	unlock, err := s.writeLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	top, _, err := readFiles(s.Dir)
	if err != nil {
		// A damaged or untrusted active login is what logging in replaces.
		top = Login{}
	}
	active := activeName(top)
	if profile == "" {
		profile = active
		if profile == "" {
			profile = DefaultProfile
		}
	}
	if err := ValidProfileName(profile); err != nil {
		return nil, err
	}
	previous := describePrevious(s.Dir)
	if active != "" && active != profile {
		if err := s.stash(active); err != nil {
			return nil, &SaveError{Err: err, Left: "nothing was changed" + previous}
		}
		previous = fmt.Sprintf(" (the %s profile is kept under profiles/)", active)
	}
	storage := s.chooseStorage(profile, u, token)
	next := Login{Profile: profile, URL: u.String(), Token: token, User: user, Storage: storage, Active: true}
	if err := s.writeTop(next, previous); err != nil {
		if storage == StorageKeyring {
			s.forgetKeyring(u, profile) // the pair was not saved; do not keep half of it
		}
		return nil, err
	}
	if storage == StorageFile && top.Storage == StorageKeyring && (active == profile) {
		if old, err := url.Parse(top.URL); err == nil && Origin(old) == Origin(u) {
			s.forgetKeyring(u, profile) // moved from the keyring to the file
		}
	}
	os.RemoveAll(s.profileDir(profile)) // now active; a stale copy would shadow nothing
	next.Token = ""
	if storage == StorageFile {
		next.TokenPath = filepath.Join(s.Dir, sessionFile)
	}
	return &next, nil
}

// chooseStorage writes the token to the keyring when asked, falling back to
// the file with a warning when the keyring fails or the host's one entry
// already belongs to another profile.
func (s *Store) chooseStorage(profile string, u *url.URL, token string) string {
	if !s.UseKeyring || s.Keyring == nil {
		return StorageFile
	}
	if other := s.keyringOwner(u, profile); other != "" {
		s.warn(fmt.Sprintf("the OS keyring holds one session per host and %s's belongs to the %s profile; this one is stored in the session file instead", u.Host, other))
		return StorageFile
	}
	if err := s.Keyring.Write(u, token); err != nil {
		s.warn(fmt.Sprintf("cannot store the session in the OS keyring (%v); storing it in the session file instead", err))
		return StorageFile
	}
	return StorageKeyring
}

// keyringOwner names another profile whose token is the keyring entry for
// u's host.
func (s *Store) keyringOwner(u *url.URL, except string) string {
	top, _, _ := readFiles(s.Dir)
	all := []Login{top}
	if top.URL != "" {
		all[0].Profile = activeName(top)
	}
	entries, _ := os.ReadDir(filepath.Join(s.Dir, profilesDir))
	for _, e := range entries {
		if l, _, err := readFiles(s.profileDir(e.Name())); err == nil && ValidProfileName(e.Name()) == nil {
			l.Profile = e.Name()
			all = append(all, l)
		}
	}
	for _, l := range all {
		if l.Profile != except && l.URL != "" && l.Storage == StorageKeyring && hostOf(l.URL) == hostOf(u.String()) {
			return l.Profile
		}
	}
	return ""
}

func (s *Store) forgetKeyring(u *url.URL, profile string) {
	if s.Keyring == nil || s.keyringOwner(u, profile) != "" {
		return
	}
	if err := s.Keyring.Delete(u); err != nil {
		s.warn(fmt.Sprintf("cannot remove the session from the OS keyring: %v", err))
	}
}

// writeTop makes l the active login: url, session and profile.json at the
// top of the directory, as one unit.
func (s *Store) writeTop(l Login, previous string) error {
	m, err := json.Marshal(meta{Name: l.Profile, URL: l.URL, User: l.User, Storage: l.Storage})
	if err != nil {
		return err
	}
	var session []byte
	if l.Storage == StorageFile {
		session = []byte(l.Token)
	}
	return s.fileOps().writeLogin(s.Dir, []change{
		{name: sessionFile, data: session},
		{name: metaFile, data: m},
		{name: urlFile, data: []byte(l.URL)},
	}, previous)
}

// stash copies the active login into profiles/NAME, as a directory built
// aside and renamed into place.
func (s *Store) stash(name string) error {
	parent := filepath.Join(s.Dir, profilesDir)
	if err := os.MkdirAll(parent, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", parent, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+name+tmpMarker+"*")
	if err != nil {
		return fmt.Errorf("keep the %s profile: %w", name, err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	for _, file := range []string{urlFile, sessionFile, metaFile} {
		data, err := readRaw(filepath.Join(s.Dir, file))
		if data == nil && err == nil {
			continue
		}
		if err != nil {
			return fmt.Errorf("keep the %s profile: %w", name, err)
		}
		if err := s.fileOps().writeAtomic(filepath.Join(tmp, file), data); err != nil {
			return fmt.Errorf("keep the %s profile: %w", name, err)
		}
	}
	dest := s.profileDir(name)
	if err := os.RemoveAll(dest); err != nil {
		return fmt.Errorf("keep the %s profile: %w", name, err)
	}
	if err := s.fileOps().rename(tmp, dest); err != nil {
		return fmt.Errorf("keep the %s profile: %w", name, err)
	}
	return nil
}

// Use makes profile the active one.
func (s *Store) Use(profile string) (*Login, error) {
	if err := ValidProfileName(profile); err != nil {
		return nil, err
	}
	unlock, err := s.writeLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	top, _, err := readFiles(s.Dir)
	if err != nil {
		return nil, err
	}
	active := activeName(top)
	if profile == active {
		top.Profile, top.Active, top.Token = active, true, ""
		return &top, nil
	}
	next, m, err := readFiles(s.profileDir(profile))
	if err != nil {
		return nil, err
	}
	if next.URL == "" {
		return nil, fmt.Errorf("%w %q; 'coder profile list' shows them", ErrNoProfile, profile)
	}
	previous := describePrevious(s.Dir)
	if active != "" {
		if err := s.stash(active); err != nil {
			return nil, &SaveError{Err: err, Left: "nothing was changed" + previous}
		}
	}
	next.Profile, next.Active = profile, true
	if next.Storage == "" {
		next.Storage = m.Storage
	}
	if err := s.writeTop(next, previous); err != nil {
		return nil, err
	}
	os.RemoveAll(s.profileDir(profile))
	next.Token = ""
	return &next, nil
}

// Remove forgets a profile's stored login (files and keyring entry). The
// session stays valid on the server.
func (s *Store) Remove(profile string) (*Login, error) {
	unlock, err := s.writeLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	top, _, err := readFiles(s.Dir)
	if err != nil {
		return nil, err
	}
	active := activeName(top)
	var gone Login
	if profile == "" || profile == active {
		gone = top
		gone.Profile, gone.Active = active, true
		// The url goes first: without it no stored token is used.
		ops := s.fileOps()
		for _, file := range []string{urlFile, sessionFile, metaFile} {
			if err := ops.removeIfExists(filepath.Join(s.Dir, file)); err != nil {
				return nil, err
			}
		}
	} else {
		if err := ValidProfileName(profile); err != nil {
			return nil, err
		}
		if gone, _, err = readFiles(s.profileDir(profile)); err != nil {
			return nil, err
		}
		if gone.URL == "" {
			return nil, fmt.Errorf("%w %q; 'coder profile list' shows them", ErrNoProfile, profile)
		}
		gone.Profile = profile
		if err := os.RemoveAll(s.profileDir(profile)); err != nil {
			return nil, fmt.Errorf("remove the %s profile: %w", profile, err)
		}
	}
	if gone.Token == "" && (gone.Storage == StorageKeyring || s.UseKeyring) {
		if u, err := url.Parse(gone.URL); err == nil && u.Host != "" {
			s.forgetKeyring(u, gone.Profile)
		}
	}
	gone.Token = ""
	return &gone, nil
}
