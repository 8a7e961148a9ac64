package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// keyFile is where --output-file puts a key, checked before anything is
// sent so that a key is never minted for a place it cannot go.
type keyFile struct {
	path   string // as given, for messages
	target string // the file written: symlinks resolved for regular files
	stream bool   // a FIFO or character device (process substitution, /dev/stdout): written in place
	exists bool   // a regular file that --force replaces atomically
}

// checkKeyFile decides how path can take a key. Regular files are created,
// or with --force atomically replaced; FIFOs and character devices are
// written into as a stream and never replaced (so `--output-file >(...)`
// works, and --force cannot swap a pipe for a file); anything else is refused.
func checkKeyFile(path string, force bool) (keyFile, error) {
	kf := keyFile{path: path, target: path}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr == nil {
			return kf, fmt.Errorf("--output-file: %s is a symbolic link to a missing file", path)
		}
		dir, dirErr := os.Stat(filepath.Dir(path))
		if dirErr != nil || !dir.IsDir() {
			return kf, fmt.Errorf("--output-file: the directory of %s does not exist", path)
		}
		return kf, nil
	case err != nil:
		return kf, fmt.Errorf("--output-file: %w", err)
	}
	mode := info.Mode()
	switch {
	case mode.IsDir():
		return kf, fmt.Errorf("--output-file: %s is a directory", path)
	case mode&fs.ModeNamedPipe != 0, mode&fs.ModeCharDevice != 0:
		kf.stream = true
		return kf, nil
	case !mode.IsRegular():
		return kf, fmt.Errorf("--output-file: %s is not a regular file, a pipe or a terminal (%s)", path, mode.Type())
	case !force:
		return kf, fmt.Errorf("--output-file: %s already exists; pass --force to overwrite it", path)
	}
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		kf.target = resolved // replace the file a link points to, keeping the link
	}
	kf.exists = true
	return kf, nil
}

// write puts data in the file: whole or not at all for regular files.
func (kf keyFile) write(data []byte) error {
	if !kf.stream {
		return writeFileAtomic(kf.target, data, !kf.exists)
	}
	// No O_CREATE, no O_TRUNC: the pipe or device is used as it is.
	f, err := os.OpenFile(kf.target, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if closeErr := f.Close(); err == nil {
		err = closeErr
	}
	return err
}

// keyFileError: the key could not be written to --output-file. The key is
// not printed instead (stdout is often a CI log); the token was revoked so
// that no key stays valid that nobody holds, unless revoking failed too.
type keyFileError struct {
	Path      string
	ID        string
	Err       error
	RevokeErr error // nil: revoked
}

func (e *keyFileError) Error() string {
	cause := e.Err
	var pathErr *fs.PathError
	if errors.As(cause, &pathErr) {
		cause = pathErr.Err // the path is already in the sentence
	}
	msg := fmt.Sprintf("cannot write the key to %s: %v", e.Path, cause)
	switch {
	case e.ID == "":
		return msg + "; the key was not printed, and the token could not be identified to revoke it; find it with 'coder tokens ls' and remove it"
	case e.RevokeErr != nil:
		return fmt.Sprintf("%s; the key was not printed, and revoking token %s failed (%v): revoke it now with 'coder tokens rm --delete %s'", msg, e.ID, e.RevokeErr, e.ID)
	}
	return fmt.Sprintf("%s; the key was not printed, and token %s was revoked so no unrecorded key stays valid", msg, e.ID)
}

func (e *keyFileError) Unwrap() error { return e.Err }
