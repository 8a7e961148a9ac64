package credstore

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func mustURL(t testing.TB, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func readTop(t *testing.T, dir string) (u, session string) {
	t.Helper()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) {
			return "<none>"
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return read(urlFile), read(sessionFile)
}

func leftoverTemps(t *testing.T, dir string) []string {
	t.Helper()
	var found []string
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), tmpMarker) {
			found = append(found, path)
		}
		return nil
	})
	return found
}

// A failure at any step of a login write leaves the previous pair intact, or
// at worst no url at all, and says which; no temporary copy of a token stays.
func TestSaveFailureKeepsPreviousLogin(t *testing.T) {
	boom := errors.New("injected failure")
	tests := []struct {
		name     string
		ops      func(base fileOps) fileOps
		wantURL  string
		wantSess string
		wantLeft string
	}{
		{
			name: "staging the session fails",
			ops: func(b fileOps) fileOps {
				b.createTemp = func(dir, pattern string) (*os.File, error) {
					if strings.HasPrefix(pattern, "."+sessionFile) {
						return nil, boom
					}
					return os.CreateTemp(dir, pattern)
				}
				return b
			},
			wantURL: "https://a.example.com", wantSess: "token-a", wantLeft: "nothing was changed (still logged in to https://a.example.com)",
		},
		{
			name: "removing the old url fails",
			ops: func(b fileOps) fileOps {
				b.remove = func(path string) error {
					if filepath.Base(path) == urlFile {
						return boom
					}
					return os.Remove(path)
				}
				return b
			},
			wantURL: "https://a.example.com", wantSess: "token-a", wantLeft: "nothing was changed",
		},
		{
			name: "renaming the session into place fails",
			ops: func(b fileOps) fileOps {
				b.rename = failRenameOnce(sessionFile, boom)
				return b
			},
			wantURL: "https://a.example.com", wantSess: "token-a", wantLeft: "the previous login was restored",
		},
		{
			name: "renaming the url into place fails",
			ops: func(b fileOps) fileOps {
				b.rename = failRenameOnce(urlFile, boom)
				return b
			},
			wantURL: "https://a.example.com", wantSess: "token-a", wantLeft: "the previous login was restored",
		},
		{
			name: "the url fails and so does restoring the session",
			ops: func(b fileOps) fileOps {
				sessionRenames := 0
				b.rename = func(from, to string) error {
					switch filepath.Base(to) {
					case urlFile:
						return boom
					case sessionFile:
						if sessionRenames++; sessionRenames > 1 {
							return boom // the rollback's rename
						}
					}
					return os.Rename(from, to)
				}
				return b
			},
			wantURL: "<none>", wantLeft: "so the url file was removed and no stored session is used",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "coderv2")
			s := &Store{Dir: dir}
			if _, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a", "alice"); err != nil {
				t.Fatal(err)
			}
			s.ops = tt.ops(osOps)
			_, err := s.Save("", mustURL(t, "https://b.example.com"), "token-b", "bob")
			var saveErr *SaveError
			if !errors.As(err, &saveErr) {
				t.Fatalf("Save = %v, want a SaveError", err)
			}
			if !errors.Is(err, boom) || !strings.Contains(err.Error(), tt.wantLeft) {
				t.Errorf("error = %q, want the cause and %q", err, tt.wantLeft)
			}
			gotURL, gotSess := readTop(t, dir)
			if gotURL != tt.wantURL {
				t.Errorf("url file = %q, want %q", gotURL, tt.wantURL)
			}
			if tt.wantSess != "" && gotSess != tt.wantSess {
				t.Errorf("session file = %q, want %q", gotSess, tt.wantSess)
			}
			if gotURL == "https://a.example.com" && gotSess == "token-b" {
				t.Error("b's token is paired with a's url")
			}
			if left := leftoverTemps(t, dir); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

func failRenameOnce(target string, err error) func(string, string) error {
	var once sync.Once
	return func(from, to string) error {
		fail := false
		if filepath.Base(to) == target {
			once.Do(func() { fail = true })
		}
		if fail {
			return err
		}
		return os.Rename(from, to)
	}
}

// A crash leaves a staged copy of a token behind; the next write removes it.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "coderv2")
	s := &Store{Dir: dir}
	if _, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a", ""); err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "."+sessionFile+tmpMarker+"123")
	if err := os.WriteFile(crashed, []byte("token-crashed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save("", mustURL(t, "https://a.example.com"), "token-a2", ""); err != nil {
		t.Fatal(err)
	}
	if left := leftoverTemps(t, dir); len(left) > 0 {
		t.Errorf("temporary files left after the next login: %v", left)
	}
}

// Parallel CI jobs sharing HOME: whatever order two logins finish in, every
// reader sees a url with its own token, never a mix.
func TestRacingLoginsNeverMixPairs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "coderv2")
	pairs := map[string]string{"https://a.example.com": "token-a", "https://b.example.com": "token-b"}
	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	for round := 0; round < 40; round++ {
		for u, token := range pairs {
			wg.Go(func() {
				s := &Store{Dir: dir}
				if _, err := s.Save("", mustURL(t, u), token, ""); err != nil {
					errs <- err
				}
			})
		}
		wg.Go(func() {
			s := &Store{Dir: dir}
			l, err := s.Load("")
			if err != nil {
				errs <- err
				return
			}
			if l.URL != "" && pairs[l.URL] != l.Token {
				errs <- fmt.Errorf("reader saw url %s with token %q", l.URL, l.Token)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	gotURL, gotSess := readTop(t, dir)
	if pairs[gotURL] != gotSess {
		t.Errorf("final state pairs %s with %q", gotURL, gotSess)
	}
	if left := leftoverTemps(t, dir); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
