package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"time"

	"github.com/scopedtokens/coder/cli"
	"github.com/scopedtokens/coder/internal/credstore"
)

// scriptOptions gives the coder program a stand-in keyring when a script asks
// for one: $TEST_KEYRING=file:PATH keeps items in a JSON file (so they last
// across commands and the script can write an entry as upstream would), and
// $TEST_KEYRING=hang never answers.
//
// The browser is never launched: opening a URL appends it to the file
// $TEST_BROWSER names (or fails without one).
func scriptOptions() cli.Options {
	var opts cli.Options
	spec := os.Getenv("TEST_KEYRING")
	switch {
	case spec == "hang":
		opts = cli.Options{Keyring: hungKeyring{}, KeyringTimeout: 200 * time.Millisecond}
	case len(spec) > 5 && spec[:5] == "file:":
		opts = cli.Options{Keyring: fileKeyring(spec[5:])}
	}
	opts.OpenBrowser = func(url string) error {
		log := os.Getenv("TEST_BROWSER")
		if log == "" {
			return errors.New("no browser in scripts")
		}
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = f.WriteString(url + "\n")
		return err
	}
	return opts
}

type hungKeyring struct{}

func (hungKeyring) Get(string, string) (string, error) { select {} }
func (hungKeyring) Set(string, string, string) error   { select {} }
func (hungKeyring) Delete(string, string) error        { select {} }

// fileKeyring maps "service/user" to the secret.
type fileKeyring string

func (k fileKeyring) load() (map[string]string, error) {
	items := map[string]string{}
	data, err := os.ReadFile(string(k))
	if errors.Is(err, fs.ErrNotExist) {
		return items, nil
	}
	if err != nil {
		return nil, err
	}
	return items, json.Unmarshal(data, &items)
}

func (k fileKeyring) save(items map[string]string) error {
	data, err := json.MarshalIndent(items, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(string(k), data, 0o600)
}

func (k fileKeyring) Get(service, user string) (string, error) {
	items, err := k.load()
	if err != nil {
		return "", err
	}
	secret, ok := items[service+"/"+user]
	if !ok {
		return "", credstore.ErrNotFound
	}
	return secret, nil
}

func (k fileKeyring) Set(service, user, secret string) error {
	items, err := k.load()
	if err != nil {
		return err
	}
	items[service+"/"+user] = secret
	return k.save(items)
}

func (k fileKeyring) Delete(service, user string) error {
	items, err := k.load()
	if err != nil {
		return err
	}
	if _, ok := items[service+"/"+user]; !ok {
		return credstore.ErrNotFound
	}
	delete(items, service+"/"+user)
	return k.save(items)
}
