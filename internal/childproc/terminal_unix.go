//go:build unix

package childproc

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// terminalSignalsGroup reports whether coder runs in the foreground process
// group of its controlling terminal. The child shares that group, so a
// Ctrl-C on the terminal already reaches it: forwarding coder's copy too
// would deliver a second SIGINT, which programs such as terraform take as
// "abort now, without cleaning up".
func terminalSignalsGroup() bool {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false // no controlling terminal: only forwarding reaches the child
	}
	defer tty.Close()
	foreground, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP)
	return err == nil && foreground == syscall.Getpgrp()
}
