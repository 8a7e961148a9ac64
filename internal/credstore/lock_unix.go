//go:build unix

package credstore

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockDir takes an flock on the directory itself, shared for readers and
// exclusive for writers, so no lock file is left behind and a reader never
// sees half of a login. It gives up after wait, naming the directory, rather
// than hanging behind a wedged process.
func lockDir(dir string, exclusive bool, wait time.Duration) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(wait)
	for {
		err = syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("another coder command has held the lock on %s for %s; try again when it is done", dir, wait)
			}
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
