package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultConfigDir(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"xdg wins", map[string]string{"XDG_CONFIG_HOME": "/x", "HOME": "/h"}, "/x/coderv2"},
		{"home fallback", map[string]string{"HOME": "/h"}, "/h/.config/coderv2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := defaultConfigDir(func(k string) string { return tt.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("defaultConfigDir = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestConfigDirStateFiles(t *testing.T) {
	dir := configDir(filepath.Join(t.TempDir(), "nested", "coderv2"))

	// Reading never creates the directory and a missing file reads as "".
	got, err := dir.read(urlFileName)
	if err != nil || got != "" {
		t.Fatalf("read of a missing file = %q, %v; want \"\", nil", got, err)
	}
	if _, err := os.Stat(string(dir)); !os.IsNotExist(err) {
		t.Fatalf("read created the config directory: %v", err)
	}

	if err := dir.write(urlFileName, "https://coder.example.com\n"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		mode os.FileMode
	}{
		{string(dir), 0o700},
		{dir.path(urlFileName), 0o600},
	}
	for _, tt := range tests {
		info, err := os.Stat(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm() != tt.mode {
			t.Errorf("%s has mode %04o, want %04o", tt.path, info.Mode().Perm(), tt.mode)
		}
	}
	if got, _ := dir.read(urlFileName); got != "https://coder.example.com" {
		t.Errorf("read = %q, want the value trimmed", got)
	}

	// A file others can read is reported; the private one is not.
	if _, loose := dir.looseMode(urlFileName); loose {
		t.Error("a 0600 file reported as loose")
	}
	if err := os.Chmod(dir.path(urlFileName), 0o640); err != nil {
		t.Fatal(err)
	}
	if mode, loose := dir.looseMode(urlFileName); !loose || mode != 0o640 {
		t.Errorf("looseMode = %04o, %v; want 0640, true", mode, loose)
	}
	// Rewriting replaces a loose file with a private one.
	if err := dir.write(urlFileName, "https://other.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, loose := dir.looseMode(urlFileName); loose {
		t.Error("rewrite kept the loose mode")
	}

	for i := 0; i < 2; i++ { // removing twice is not an error
		if err := dir.remove(urlFileName); err != nil {
			t.Fatalf("remove #%d: %v", i+1, err)
		}
	}
	if got, _ := dir.read(urlFileName); got != "" {
		t.Errorf("read after remove = %q", got)
	}
}
