# Everything a fresh clone needs: only the Go toolchain and the module proxy.
GO      ?= go
PKG     := github.com/scopedtokens/coder
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo v0.0.0-dev)
LDFLAGS := -s -w -X $(PKG)/cli.version=$(VERSION)
FUZZTIME ?= 60s

.PHONY: all build test vet fmt-check lint fuzz demo bench bench-e2e catalog clean docs test-shells test-keyring

all: build

# Static (no cgo): nothing here needs libc, and a static binary starts with
# less work (no dynamic loader) and runs on any Linux image.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o bin/coder ./cmd/coder

bin/fakecoderd: $(shell find internal/coderdtest -name '*.go' -o -name '*.json')
	CGO_ENABLED=0 $(GO) build -o bin/fakecoderd ./internal/coderdtest/cmd/fakecoderd

# Start-up floors for bench-e2e: the smallest CLI that uses the design-card
# libraries, and one that only imports them.
bin/designcard: bench/designcard/main.go go.mod
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o bin/designcard ./bench/designcard

bin/designcard-imports: bench/designcard/imports/main.go go.mod
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '-s -w' -o bin/designcard-imports ./bench/designcard/imports

# The main job end to end against the stand-in server on loopback, in a
# throwaway config directory (your real ~/.config/coderv2 is never touched).
define DEMO_SCRIPT
set -euo pipefail
work=$$(mktemp -d)
trap 'kill $$server 2>/dev/null || true; rm -rf "$$work"' EXIT
unset CODER_URL CODER_SESSION_TOKEN CODER_SESSION_TOKEN_FILE CODER_TOKEN_NAME CODER_TOKEN_LIFETIME CODER_OUTPUT
export CODER_CONFIG_DIR="$$work/config"
bin/fakecoderd > "$$work/server.out" & server=$$!
for _ in $$(seq 50); do grep -q '^owner_session_token=' "$$work/server.out" 2>/dev/null && break; sleep 0.1; done
url=$$(sed -n 's/^url=//p' "$$work/server.out")
owner=$$(sed -n 's/^owner_session_token=//p' "$$work/server.out")
step() { printf '\n\033[1m$$ %s\033[0m\n' "$$*"; }
step "coder login $$url --token-file -   (token piped in, never in argv)"
printf '%s' "$$owner" | bin/coder login "$$url" --token-file -
step "coder whoami"
bin/coder whoami
step "coder tokens create --dry-run --name demo --scope coder:workspaces.access,user:read --allow workspace:admin/dev --with-deps --lifetime 1h"
bin/coder tokens create --dry-run --name demo --scope coder:workspaces.access,user:read --allow workspace:admin/dev --with-deps --lifetime 1h
step "coder tokens create --name demo --scope coder:workspaces.access,user:read --allow workspace:admin/dev --with-deps --lifetime 1h --output-file \$$work/demo.key"
bin/coder tokens create --name demo --scope coder:workspaces.access,user:read --allow workspace:admin/dev --with-deps --lifetime 1h --output-file "$$work/demo.key"
step "coder tokens check --key-file \$$work/demo.key   (the server's verdict, asked with the key itself)"
bin/coder tokens check --key-file "$$work/demo.key"
step "coder tokens ls"
bin/coder tokens ls
step "coder tokens rm demo"
bin/coder tokens rm demo
step "coder tokens ls --include-expired -c name,scopes,allow_list,status"
bin/coder tokens ls --include-expired -c name,scopes,allow_list,status
step "coder logout --yes"
bin/coder logout --yes
endef
export DEMO_SCRIPT

demo: build bin/fakecoderd
	@bash -c "$$DEMO_SCRIPT"

# Man pages and the Markdown command reference, from the cobra tree. A test
# (cli.TestDocsAreCurrent) fails when they are stale: rerun this after adding
# or changing a command or flag.
docs:
	$(GO) run ./internal/cmd/gendocs docs

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

lint: vet fmt-check

# Progress as it happens: a line when each package starts and finishes, and
# the output of failing tests only (internal/cmd/testprogress reads go test
# -json). pipefail keeps go test's own exit status.
#
# vet runs with -race here so that it compiles the standard library and the
# dependencies with the same flags as go test -race and the two share the
# build cache: on a fresh clone a plain vet compiled everything a second
# time (measured with the race build cached: 145 CPU-s for go vet, 32 for
# go vet -race, of about 480 for the whole first run).
test: fmt-check
	$(GO) vet -race ./...
	@$(GO) build -o bin/testprogress ./internal/cmd/testprogress
	@echo "go test -race ./... (a fresh clone compiles the race runtime and every dependency first)"
	@bash -o pipefail -c '$(GO) test -race -count=1 -json ./... | bin/testprogress'

# Completion in real zsh and fish (bash runs in 'make test'). Fails, never
# skips, when a shell is missing: .ci/run installs them first.
test-shells:
	$(GO) test -tags shells -count=1 -run '^TestShells$$' ./cmd/coder

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./internal/... ./sdk/... ./cli/...

# coder against curl (and curl | jq) on loopback with 1k/10k/100k seeded tokens:
# prints each ratio with its target and peak RSS. Needs hyperfine, jq, curl and
# GNU time (Debian: apt-get install -y hyperfine jq curl time). Not part of test.
# SIZES="1000 10000" RUNS=5 DELAY=20ms override the defaults.
bench-e2e: build bin/fakecoderd bin/designcard bin/designcard-imports
	@scripts/bench-e2e.sh

fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseScopes$$' -fuzztime $(FUZZTIME) ./internal/scopes
	$(GO) test -run '^$$' -fuzz '^FuzzParseAllowList$$' -fuzztime $(FUZZTIME) ./internal/scopes
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/lifetime
	$(GO) test -run '^$$' -fuzz '^FuzzEscape$$' -fuzztime $(FUZZTIME) ./internal/safetext
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeAnswers$$' -fuzztime $(FUZZTIME) ./sdk
	$(GO) test -run '^$$' -fuzz '^FuzzRedactJSON$$' -fuzztime $(FUZZTIME) ./sdk
	$(GO) test -run '^$$' -fuzz '^FuzzAllowListTargetRoundTrip$$' -fuzztime $(FUZZTIME) ./sdk

# Rebuild internal/scopes/scope-catalog.json from a server's scope list:
# make catalog URL=https://coder.example.com (no login needed). Without URL,
# from internal/scopes/testdata/auth-scopes.json.
catalog:
	CODER_SCOPES_URL='$(URL)' $(GO) generate ./internal/scopes

clean:
	rm -rf bin

# The keyring against a real Secret Service: gnome-keyring-daemon on a private
# D-Bus session (no display needed, works as root). Fails, never skips, when
# dbus-run-session, gnome-keyring-daemon or secret-tool is missing.
test-keyring:
	@for tool in dbus-run-session gnome-keyring-daemon secret-tool; do \
		command -v $$tool >/dev/null || { echo "test-keyring: $$tool is missing (Debian: apt-get install dbus gnome-keyring libsecret-tools)"; exit 1; }; \
	done
	dbus-run-session -- sh -c 'printf "test\n" | gnome-keyring-daemon --unlock --components=secrets >/dev/null && \
		$(GO) test -tags secretservice -count=1 -run "^TestSecretService$$" ./cmd/coder'
