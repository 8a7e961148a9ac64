package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The config directory holds the same `url` and `session` files as the
// upstream CLI, so a user logged in with either tool is logged in with both.
const (
	urlFileName     = "url"
	sessionFileName = "session"
	configFileName  = "config.yaml"
)

// configDir is the directory holding the url/session files and config.yaml.
type configDir string

// defaultConfigDir mirrors upstream's location on Linux: $XDG_CONFIG_HOME/coderv2,
// else ~/.config/coderv2.
func defaultConfigDir(getenv func(string) string) (configDir, error) {
	if xdg := getenv("XDG_CONFIG_HOME"); xdg != "" {
		return configDir(filepath.Join(xdg, "coderv2")), nil
	}
	home := getenv("HOME")
	if home == "" {
		var err error
		if home, err = os.UserHomeDir(); err != nil {
			return "", fmt.Errorf("cannot find the config directory: %w; set --global-config or CODER_CONFIG_DIR", err)
		}
	}
	return configDir(filepath.Join(home, ".config", "coderv2")), nil
}

func (d configDir) path(name string) string { return filepath.Join(string(d), name) }

// looseMode reports whether an existing file can be read by others.
func (d configDir) looseMode(name string) (os.FileMode, bool) {
	info, err := os.Stat(d.path(name))
	if err != nil {
		return 0, false
	}
	return info.Mode().Perm(), info.Mode().Perm()&0o077 != 0
}

// writeFileAtomic writes data to path with mode 0600 via a temporary file in
// the same directory and a rename. With exclusive set it refuses to replace
// an existing file.
func writeFileAtomic(path string, data []byte, exclusive bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename or link
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if exclusive {
		// A hard link fails if the target exists, which rename would not.
		if err := os.Link(tmp.Name(), path); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists", path)
			}
			return fmt.Errorf("write %s: %w", path, err)
		}
		return nil
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
