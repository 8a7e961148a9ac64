//go:build unix

package credstore

import (
	"os"
	"syscall"
)

// ownedByOther reports whether info belongs to someone other than this user
// or root, as ssh's StrictModes checks.
func ownedByOther(info os.FileInfo) bool {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	uid := uint32(os.Geteuid())
	return st.Uid != uid && st.Uid != 0
}

// permissionBitsMeaningful is false where the OS ignores Unix modes.
const permissionBitsMeaningful = true
