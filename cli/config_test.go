package cli

import (
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
