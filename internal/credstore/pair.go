package credstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A login is the files of one profile: url, session (absent when the token
// is in the keyring) and profile.json. They are one unit: a token must never
// be left next to another deployment's url.
const (
	urlFile     = "url"
	sessionFile = "session"
	metaFile    = "profile.json"
)

// change is the new content of one state file; nil removes it.
type change struct {
	name string
	data []byte
}

// SaveError is a failed write of a login, with what is left on disk.
type SaveError struct {
	Err  error
	Left string
}

func (e *SaveError) Error() string { return fmt.Sprintf("%v; %s", e.Err, e.Left) }
func (e *SaveError) Unwrap() error { return e.Err }

// writeLogin replaces the state files in dir as one unit. The url is removed
// first and written last, so at every instant, a crash included, the url on
// disk is either the old one with the old session or the new one with the
// new session; in between there is no url, and no token is sent anywhere.
// On failure the previous files are restored; left says what is on disk.
// The caller holds the exclusive lock.
func (ops fileOps) writeLogin(dir string, changes []change, previous string) error {
	path := func(name string) string { return filepath.Join(dir, name) }
	old := map[string][]byte{}
	for _, c := range append(changes, change{name: urlFile}) {
		if data, err := readRaw(path(c.name)); err == nil && data != nil {
			old[c.name] = data
		}
	}
	// Stage everything first: most failures (disk full, read-only) happen
	// here, before anything is touched.
	staged := map[string]string{}
	cleanup := func() {
		for _, tmp := range staged {
			os.Remove(tmp)
		}
	}
	var urlChange *change
	var others []change
	for i, c := range changes {
		if c.name == urlFile {
			urlChange = &changes[i]
		} else {
			others = append(others, c)
		}
		if c.data == nil {
			continue
		}
		tmp, err := ops.stage(path(c.name), c.data)
		if err != nil {
			cleanup()
			return &SaveError{Err: err, Left: "nothing was changed" + previous}
		}
		staged[c.name] = tmp
	}
	if err := ops.removeIfExists(path(urlFile)); err != nil {
		cleanup()
		return &SaveError{Err: err, Left: "nothing was changed" + previous}
	}
	apply := func(c change) error {
		if c.data == nil {
			return ops.removeIfExists(path(c.name))
		}
		if err := ops.rename(staged[c.name], path(c.name)); err != nil {
			return fmt.Errorf("write %s: %w", path(c.name), err)
		}
		delete(staged, c.name)
		return nil
	}
	var err error
	for _, c := range others {
		if err = apply(c); err != nil {
			break
		}
	}
	if err == nil && urlChange != nil {
		err = apply(*urlChange)
	}
	if err == nil {
		return nil
	}
	cleanup()
	return &SaveError{Err: err, Left: ops.restore(dir, changes, old, previous)}
}

// restore puts back the files writeLogin changed, url last, and says what is
// left on disk.
func (ops fileOps) restore(dir string, changes []change, old map[string][]byte, previous string) string {
	var rollbackErr error
	for _, c := range changes {
		if c.name == urlFile {
			continue
		}
		if err := ops.put(filepath.Join(dir, c.name), old[c.name]); err != nil {
			rollbackErr = errors.Join(rollbackErr, err)
		}
	}
	if rollbackErr == nil && old[urlFile] != nil {
		rollbackErr = ops.put(filepath.Join(dir, urlFile), old[urlFile])
	}
	if rollbackErr != nil {
		// The url stays absent: no stored token is sent anywhere.
		ops.removeIfExists(filepath.Join(dir, urlFile))
		return fmt.Sprintf("restoring the previous login failed too (%v), so the url file was removed and no stored session is used until you log in again", rollbackErr)
	}
	if old[urlFile] == nil {
		return "nothing was saved"
	}
	return "the previous login was restored" + previous
}

func (ops fileOps) put(path string, data []byte) error {
	if data == nil {
		return ops.removeIfExists(path)
	}
	return ops.writeAtomic(path, data)
}

// describePrevious names the login a failure leaves in place, for messages.
func describePrevious(dir string) string {
	data, err := readRaw(filepath.Join(dir, urlFile))
	if err != nil || len(strings.TrimSpace(string(data))) == 0 {
		return ""
	}
	return " (still logged in to " + strings.TrimSpace(string(data)) + ")"
}
