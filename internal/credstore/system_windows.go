//go:build windows

package credstore

import (
	"errors"
	"syscall"

	"github.com/danieljoos/wincred"
)

// SystemProvider is the Windows Credential Manager, with upstream's target
// name (the service alone; go-keyring would use "service:user").
func SystemProvider() Provider { return windowsCredentials{} }

type windowsCredentials struct{}

func (windowsCredentials) Get(service, _ string) (string, error) {
	cred, err := wincred.GetGenericCredential(service)
	if errors.Is(err, syscall.ERROR_NOT_FOUND) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", err
	}
	return string(cred.CredentialBlob), nil
}

func (windowsCredentials) Set(service, _ string, secret string) error {
	cred := wincred.NewGenericCredential(service)
	cred.CredentialBlob = []byte(secret)
	cred.Persist = wincred.PersistLocalMachine
	return cred.Write()
}

func (windowsCredentials) Delete(service, _ string) error {
	cred, err := wincred.GetGenericCredential(service)
	if errors.Is(err, syscall.ERROR_NOT_FOUND) {
		return ErrNotFound
	}
	if err != nil {
		return err
	}
	return cred.Delete()
}
