//go:build windows

package credstore

import "os"

func ownedByOther(os.FileInfo) bool { return false }

// Windows guards the profile directory with ACLs; Go reports synthetic modes.
const permissionBitsMeaningful = false
