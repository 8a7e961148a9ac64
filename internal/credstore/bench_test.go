package credstore

import (
	"path/filepath"
	"testing"
)

// What a command pays to find its stored login: a shared lock, the trust
// checks and three small reads.
func BenchmarkLoad(b *testing.B) {
	s := &Store{Dir: filepath.Join(b.TempDir(), "coderv2")}
	if _, err := s.Save("", mustURL(b, "https://a.example.com"), "token-a", "alice"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if l, err := s.Load(""); err != nil || l.Token != "token-a" {
			b.Fatal(l, err)
		}
	}
}

// A login: exclusive lock, stage, and the url-last renames with fsyncs.
func BenchmarkSave(b *testing.B) {
	s := &Store{Dir: filepath.Join(b.TempDir(), "coderv2")}
	u := mustURL(b, "https://a.example.com")
	for b.Loop() {
		if _, err := s.Save("", u, "token-a", "alice"); err != nil {
			b.Fatal(err)
		}
	}
}
