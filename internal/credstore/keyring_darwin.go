//go:build darwin

package credstore

import "encoding/base64"

// Upstream stores base64 of the JSON in the macOS keychain, because the
// keychain hex-encodes non-ASCII or multi-line secrets on the way out.
func encodeForPlatform(data []byte) string { return base64.StdEncoding.EncodeToString(data) }
