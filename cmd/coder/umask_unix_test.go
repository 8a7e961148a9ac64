//go:build unix

package main

import "syscall"

// Scripts create directories with mkdir; a CI umask of 002 would make them
// group-writable, which coder rightly refuses to trust.
func init() { syscall.Umask(0o022) }
