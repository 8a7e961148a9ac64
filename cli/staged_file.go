package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stagedFile replaces a file in two steps, so that rotate can write the new
// key before it retires the old token, and put it in place only after: the
// content goes to a 0600 temporary file next to the target, and a rename
// swaps it in whole. Readers see the old key or the new one, never half.
type stagedFile struct {
	target string // the file replaced; symlinks resolved, so a linked token file stays linked
	tmp    string
}

// checkReplaceable says, before anything is sent, whether path can be
// replaced by rotate: it must be a regular file (or not exist yet) in a
// directory that exists. A FIFO or device is not a place for a key that must
// be swapped in whole.
func checkReplaceable(path string) (string, error) {
	target := path
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		target = resolved
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--output-file: %w", err)
	}
	info, err := os.Stat(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		dir, dirErr := os.Stat(filepath.Dir(target))
		if dirErr != nil || !dir.IsDir() {
			return "", fmt.Errorf("--output-file: the directory of %s does not exist", path)
		}
	case err != nil:
		return "", fmt.Errorf("--output-file: %w", err)
	case !info.Mode().IsRegular():
		return "", fmt.Errorf("--output-file: %s is not a regular file (%s); rotate replaces the file whole, so it must be one", path, info.Mode().Type())
	}
	return target, nil
}

// stage writes data to a temporary file beside target.
func stage(target string, data []byte) (*stagedFile, error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	s := &stagedFile{target: target, tmp: tmp.Name()}
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if closeErr := tmp.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		s.abort()
		return nil, fmt.Errorf("write %s: %w", target, err)
	}
	return s, nil
}

// commit puts the staged content in place.
func (s *stagedFile) commit() error {
	if err := os.Rename(s.tmp, s.target); err != nil {
		return fmt.Errorf("replace %s: %w (the new content is in %s)", s.target, err, s.tmp)
	}
	if dir, err := os.Open(filepath.Dir(s.target)); err == nil {
		_ = dir.Sync() // the rename survives a crash; best effort, some file systems refuse
		dir.Close()
	}
	return nil
}

// abort removes the staged content.
func (s *stagedFile) abort() { _ = os.Remove(s.tmp) }
