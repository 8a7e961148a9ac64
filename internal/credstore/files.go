package credstore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxStateFile bounds reads of url and session files: a path pointing at
// /dev/zero or a huge file gets an error, not an out-of-memory crash.
const maxStateFile = 64 << 10

// tmpPrefix marks files being written; any left over are from a crash and
// are removed under the exclusive lock (they may hold a token).
const tmpMarker = ".tmp-"

// UntrustedError says a state file or directory could be changed by another
// user, so the session in it is not used (like ssh's StrictModes).
type UntrustedError struct {
	Path   string
	Mode   fs.FileMode
	IsDir  bool
	Reason string // "writable by group or others" or "owned by another user"
}

func (e *UntrustedError) Error() string {
	return fmt.Sprintf("refusing to use the stored session: %s is %s (mode %04o), so another user could replace the url or session in it",
		e.Path, e.Reason, e.Mode.Perm())
}

// Fix is the command that makes the path trustworthy again.
func (e *UntrustedError) Fix() string {
	if e.Reason != reasonLooseMode {
		return fmt.Sprintf("make sure %s is yours (chown), then run 'coder login' again", e.Path)
	}
	if e.IsDir {
		return "chmod 700 " + e.Path
	}
	return "chmod 600 " + e.Path
}

const reasonLooseMode = "writable by group or others"

// checkTrusted refuses a path others can write or that someone else owns.
// A missing path is trusted: there is nothing in it to believe.
func checkTrusted(path string) error {
	if !permissionBitsMeaningful {
		return nil
	}
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case info.Mode().Perm()&0o022 != 0:
		return &UntrustedError{Path: path, Mode: info.Mode(), IsDir: info.IsDir(), Reason: reasonLooseMode}
	case ownedByOther(info):
		return &UntrustedError{Path: path, Mode: info.Mode(), IsDir: info.IsDir(), Reason: "owned by another user"}
	}
	return nil
}

// readState returns the trimmed contents of a state file, or "" when it does
// not exist, refusing files others could have written.
func readState(path string) (string, error) {
	if info, err := os.Stat(path); err == nil && !info.Mode().IsRegular() {
		return "", fmt.Errorf("read %s: not a regular file, so not a url or session file", path)
	}
	if err := checkTrusted(path); err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxStateFile+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > maxStateFile {
		return "", fmt.Errorf("read %s: larger than %d KiB, so not a url or session file", path, maxStateFile>>10)
	}
	return strings.TrimSpace(string(data)), nil
}

// fileOps are the file system calls a pair write makes, replaceable in tests
// to inject a failure at each step.
type fileOps struct {
	createTemp func(dir, pattern string) (*os.File, error)
	rename     func(from, to string) error
	remove     func(path string) error
}

var osOps = fileOps{createTemp: os.CreateTemp, rename: os.Rename, remove: os.Remove}

// stage writes data to a private temporary file next to path and returns its
// name; the caller renames it into place or removes it.
func (ops fileOps) stage(path string, data []byte) (string, error) {
	tmp, err := ops.createTemp(filepath.Dir(path), "."+filepath.Base(path)+tmpMarker+"*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	fail := func(err error) (string, error) {
		tmp.Close()
		os.Remove(tmp.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	return tmp.Name(), nil
}

// writeAtomic replaces path with data, mode 0600, via a rename.
func (ops fileOps) writeAtomic(path string, data []byte) error {
	tmp, err := ops.stage(path, data)
	if err != nil {
		return err
	}
	if err := ops.rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// removeIfExists deletes path; a missing file is not an error.
func (ops fileOps) removeIfExists(path string) error {
	if err := ops.remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", path, err)
	}
	return nil
}

// removeStaleTemps deletes temporary files a crashed writer left in dir.
// Only called with the exclusive lock held, so none is in use.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), tmpMarker) {
			os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// readRaw returns a state file's bytes for copying or restoring, or nil when
// it is missing or not a small regular file (which is then not kept).
func readRaw(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && (!info.Mode().IsRegular() || info.Size() > maxStateFile)) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return os.ReadFile(path)
}
