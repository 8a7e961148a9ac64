//go:build !unix

package childproc

// terminalSignalsGroup: without Unix process groups, forwarding is the only
// way a signal reaches the child.
func terminalSignalsGroup() bool { return false }
