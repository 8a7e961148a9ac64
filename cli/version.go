package cli

// version is stamped at build time with -ldflags "-X .../cli.version=...".
var version = "v0.0.0-dev"

// Version reports the version this binary was built as.
func Version() string { return version }
