//go:build windows

package credstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/windows"
)

// lockDir locks a .lock file in the directory (Windows cannot lock a
// directory handle), shared for readers and exclusive for writers.
func lockDir(dir string, exclusive bool, wait time.Duration) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	deadline := time.Now().Add(wait)
	for {
		ol := new(windows.Overlapped)
		err = windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, ol)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, windows.ERROR_LOCK_VIOLATION) || time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
