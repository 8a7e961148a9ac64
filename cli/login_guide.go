package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os/exec"
	"runtime"

	"github.com/scopedtokens/coder/internal/safetext"
	"github.com/scopedtokens/coder/sdk"
)

// maxTokenPrompts is how often a pasted token may be rejected before login
// gives up.
const maxTokenPrompts = 3

// checkDeployment asks the URL for its build info before anything is asked
// of the user, so a typo costs no pasted token or typed password.
func checkDeployment(ctx context.Context, opts *loginOptions, u *url.URL) error {
	info, err := opts.NewClient(u, "").BuildInfo(ctx)
	if err != nil {
		var apiErr *sdk.Error
		if errors.As(err, &apiErr) {
			return withHint(fmt.Errorf("%s does not look like a Coder deployment: GET /api/v2/buildinfo: %w", u.Redacted(), err),
				"check the URL: it is the address of the Coder dashboard, e.g. https://coder.example.com")
		}
		return fmt.Errorf("cannot reach %s, so nothing was asked or saved: %w", u.Redacted(), err)
	}
	if info.Version == "" {
		return withExitCode(withHint(fmt.Errorf("%s does not look like a Coder deployment: GET /api/v2/buildinfo has no version", u.Redacted()),
			"check the URL: it is the address of the Coder dashboard, e.g. https://coder.example.com"), exitNotFound)
	}
	return nil
}

// offerBrowser opens <url>/cli-auth when a person is at a terminal with a
// display, as upstream does, and says where the token comes from either way.
func offerBrowser(opts *loginOptions, u *url.URL) {
	authURL := u.JoinPath("cli-auth").Redacted()
	if !opts.NoOpen && opts.HasDisplay() && opts.OpenBrowser != nil {
		if err := opts.OpenBrowser(u.JoinPath("cli-auth").String()); err == nil {
			fmt.Fprintf(opts.IO.ErrOut, "Your browser has been opened to visit %s; paste the token it shows.\n", authURL)
			return
		}
	}
	fmt.Fprintf(opts.IO.ErrOut, "Get a session token at %s\n", authURL)
}

// hasDisplay reports whether a browser could show up: always on macOS and
// Windows, with an X11 or Wayland display elsewhere.
func hasDisplay(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "darwin", "windows":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// openBrowser starts the desktop's URL handler without waiting for it.
func openBrowser(target string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", target)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	default:
		cmd = exec.Command("xdg-open", target)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait() //nolint:errcheck // reaped in the background; the prompt does not wait
	return nil
}

// rejectedTokenNotice is printed before prompting again.
func rejectedTokenNotice(opts *loginOptions, u *url.URL, err error, attempt int) {
	detail := err.Error()
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) && apiErr.Message != "" {
		detail = apiErr.Message
	}
	fmt.Fprintf(opts.IO.ErrOut, "That token was not accepted by %s (%s). Try again (%d of %d).\n",
		u.Redacted(), safetext.Escape(detail), attempt+1, maxTokenPrompts)
}
