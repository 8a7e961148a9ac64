//go:build !darwin && !windows

package credstore

// SystemProvider is the OS keyring: the Secret Service (D-Bus) here.
func SystemProvider() Provider { return GoKeyring{} }
