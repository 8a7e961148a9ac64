#!/usr/bin/env bash
# bench-e2e: coder against its floor (one curl doing the same HTTP work, plus jq
# doing the same formatting) on loopback, against the stand-in server. Prints each
# ratio next to the target from issue 11 and the peak RSS of each command.
# Run with `make bench-e2e`; needs hyperfine, jq, curl and GNU time
# (Debian: apt-get install -y hyperfine jq curl time).
set -euo pipefail

SIZES=${SIZES:-"1000 10000 100000"}
RUNS=${RUNS:-10}
STARTUP_RUNS=${STARTUP_RUNS:-300}
DELAY=${DELAY:-20ms}

for tool in hyperfine jq curl /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench-e2e: $tool is missing (Debian: apt-get install -y hyperfine jq curl time)" >&2; exit 1; }
done

work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
unset CODER_URL CODER_SESSION_TOKEN CODER_SESSION_TOKEN_FILE CODER_OUTPUT CODER_COLUMNS
export CODER_CONFIG_DIR="$work/config"

# start_server ARGS...: runs fakecoderd and sets URL, TOKEN and the curl header file.
start_server() {
	[ -n "$server" ] && { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
	bin/fakecoderd "$@" >"$work/server.out" 2>"$work/server.err" &
	server=$!
	for _ in $(seq 600); do grep -q '^owner_session_token=' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
	URL=$(sed -n 's/^url=//p' "$work/server.out")
	TOKEN=$(sed -n 's/^owner_session_token=//p' "$work/server.out")
	[ -n "$TOKEN" ] || { cat "$work/server.err" >&2; exit 1; }
	# The token reaches curl through a header file and coder through the
	# environment, never through argv.
	(umask 077; printf 'Coder-Session-Token: %s\n' "$TOKEN" >"$work/header")
	export CODER_URL=$URL CODER_SESSION_TOKEN=$TOKEN
}

# The same columns the piped table prints, oldest first.
JQ_TABLE='(now|todate) as $now | sort_by(.created_at, .id) | .[] | [.id, .token_name,
  (.scopes|sort|join(",")), (.allow_list|sort|join(",")),
  (if .last_used < "1971" then "never" else .last_used end), .expires_at, .created_at,
  (if .expires_at > $now then "active" else "expired" end)] | @tsv'

results=$work/results.tsv
: >"$results"

# compare NAME TARGET CMD_OURS CMD_FLOOR [hyperfine flags...]
compare() {
	local name=$1 target=$2 ours=$3 floor=$4
	shift 4
	if ! hyperfine --style none --warmup "$(( RUNS / 5 + 2 ))" --runs "$RUNS" "$@" --export-json "$work/h.json" "$ours" "$floor" >"$work/h.out" 2>&1; then
		cat "$work/h.out" >&2
		exit 1
	fi
	local a b
	a=$(jq '.results[0].mean' "$work/h.json")
	b=$(jq '.results[1].mean' "$work/h.json")
	local rss_ours rss_floor
	rss_ours=$(peak_rss "$ours")
	rss_floor=$(peak_rss "$floor")
	awk -v n="$name" -v a="$a" -v b="$b" -v t="$target" -v ro="$rss_ours" -v rf="$rss_floor" \
		'BEGIN { printf "%s\t%.2fx\t%s\t%.1f ms\t%.1f ms\t%s\t%s\n", n, a / b, t, a * 1000, b * 1000, ro, rf }' | tee -a "$results"
}

# peak_rss CMD: the largest "Maximum resident set size" of the pipeline's processes, in MiB.
peak_rss() {
	/usr/bin/time -v -o "$work/time.out" bash -c "$1" >/dev/null 2>&1 || true
	awk -F': ' '/Maximum resident set size/ {printf "%.1f MiB", $2/1024}' "$work/time.out"
}

echo "bench-e2e on $(nproc) cores, $RUNS runs each; ratio = coder / floor"
printf 'figure\tratio\ttarget\tcoder\tfloor\tcoder RSS\tfloor RSS\n' | tee -a "$results"

LIST_URL='/api/v2/users/me/keys/tokens?include_all=false&include_expired=false'
for n in $SIZES; do
	start_server -seed-tokens "$n"
	compare "ls table, $n tokens vs curl|jq -r" "<= 0.8x" \
		"bin/coder tokens ls >/dev/null" \
		"curl -sf -H @$work/header '$URL$LIST_URL' | jq -r '$JQ_TABLE' >/dev/null"
	compare "ls -o json, $n tokens vs curl >/dev/null" "<= 2x" \
		"bin/coder tokens ls -o json >/dev/null" \
		"curl -sf -H @$work/header '$URL$LIST_URL' >/dev/null"
done

CREATE_BODY='{"lifetime":3600000000000,"scopes":["workspace:read"]}'
CREATE_URL='/api/v2/users/me/keys/tokens'
# A create is mostly process start-up on loopback, so it gets the start-up
# rows' run count, and no shell (-N; hyperfine discards the output).
start_server
RUNS=$STARTUP_RUNS compare "create vs one curl POST, loopback" "<= 1.15x" \
	"bin/coder tokens create --lifetime 1h --scope workspace:read" \
	"curl -sf -H @$work/header -H 'Content-Type: application/json' -d '$CREATE_BODY' '$URL$CREATE_URL'" -N
start_server -delay "$DELAY"
RUNS=$(( STARTUP_RUNS / 3 )) compare "create, $DELAY per request vs curl POST" "<= 2.3x" \
	"bin/coder tokens create --lifetime 1h --scope workspace:read" \
	"curl -sf -H @$work/header -H 'Content-Type: application/json' -d '$CREATE_BODY' '$URL$CREATE_URL'" -N
kill "$server"; wait "$server" 2>/dev/null || true; server=

# Nothing listens on port 1.
compare "refused port vs curl" "<= 10x" \
	"CODER_URL=http://127.0.0.1:1 bin/coder tokens ls >/dev/null 2>&1" \
	"curl -s http://127.0.0.1:1$LIST_URL >/dev/null" -i

# Start-up is a few milliseconds with about 10% noise between runs on a VM, so
# these rows take many more runs than the others. The floor is the smallest
# CLI that uses the design-card libraries (bench/designcard); the second row,
# for reference, is one that only imports them, whose linker drops their code.
RUNS=$STARTUP_RUNS compare "--version vs design-card CLI" "<= 1.15x" \
	"bin/coder --version" \
	"bin/designcard --version" -N
RUNS=$STARTUP_RUNS compare "--version vs design-card imports only" "(info)" \
	"bin/coder --version" \
	"bin/designcard-imports --version" -N

echo
column -t -s "$(printf '\t')" "$results"
