//go:build !darwin

package credstore

func encodeForPlatform(data []byte) string { return string(data) }
