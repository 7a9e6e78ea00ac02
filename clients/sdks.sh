#!/usr/bin/env bash
# Runs the popular JS SDKs and opencode against Switchboard in front of the fake upstreams of
# clients/run.sh, each through one tool round trip (a Read(file_path) function tool the check
# implements; the fake calls it, then quotes its result). Loopback only. See docs/clients.md.
#
#   clients/sdks.sh [--cases "ai-chat lc-chat ..."] [--timeout SECONDS] [--list] [--help]
#
#   --list     the cases (clients/sdks/cases.txt): Vercel AI SDK (ai-*), LangChain.js ChatOpenAI
#              (lc-*), OpenAI Agents SDK (agents-*), opencode (opencode-*)
#   --cases    run only these (default: all)
#   --timeout  seconds per client run (default 120)
#
# Environment: SWITCHBOARD_CLIENTS_DIR (default ~/.cache/switchboard-clients): the SDKs go to its
# sdks/ (versions pinned in clients/sdks/package.json, ~60 MB), opencode to opencode/ (OPENCODE_VERSION,
# default 1.18.33, ~190 MB). Exit status: 0 when every case passed, 1 otherwise, 2 on bad usage.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients_dir="${SWITCHBOARD_CLIENTS_DIR:-$HOME/.cache/switchboard-clients}"
opencode_version="${OPENCODE_VERSION:-1.18.33}"
case_file="$repo/clients/sdks/cases.txt"
all_cases="$(awk '!/^#/ && NF { print $1 }' "$case_file" | tr '\n' ' ')"
cases="$all_cases"
cli_timeout=120

say() { printf '[sdks] %s\n' "$*" >&2; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

while (($#)); do
  case "$1" in
    --cases) cases="${2:?--cases needs a list like \"ai-chat lc-chat\"}"; shift ;;
    --timeout) cli_timeout="${2:?--timeout needs seconds}"; shift ;;
    --list) grep -v '^# The' "$case_file"; exit 0 ;;
    -h|--help) usage; exit 0 ;;
    *) say "unknown argument: $1"; usage >&2; exit 2 ;;
  esac
  shift
done
for name in $cases; do
  [[ " $all_cases " == *" $name "* ]] || { say "unknown case: $name (see --list)"; exit 2; }
done
for tool in node npm unshare ip timeout curl cmp; do
  command -v "$tool" > /dev/null || { say "needs $tool on PATH"; exit 2; }
done

# The SDKs, installed once from clients/sdks/package.json and reinstalled when it changes.
sdk_dir="$clients_dir/sdks"
if ! cmp -s "$repo/clients/sdks/package.json" "$sdk_dir/package.json" || [[ ! -d "$sdk_dir/node_modules" ]]; then
  say "installing the SDKs of clients/sdks/package.json into $sdk_dir"
  mkdir -p "$sdk_dir"
  cp "$repo/clients/sdks/package.json" "$sdk_dir/package.json"
  npm install --prefix "$sdk_dir" --no-audit --no-fund > "$sdk_dir/install.log" 2>&1 \
    || { say "npm install failed; its log:"; tail -n 30 "$sdk_dir/install.log" >&2; exit 1; }
fi
opencode_dir="$clients_dir/opencode"
if [[ " $cases " == *" opencode-"* ]] \
    && [[ "$("$opencode_dir/node_modules/.bin/opencode" --version 2>/dev/null || true)" != "$opencode_version" ]]; then
  say "installing opencode-ai@$opencode_version into $opencode_dir"
  mkdir -p "$opencode_dir"
  [[ -f "$opencode_dir/package.json" ]] || printf '{"name":"switchboard-opencode","private":true}\n' > "$opencode_dir/package.json"
  npm install --prefix "$opencode_dir" --no-audit --no-fund "opencode-ai@$opencode_version" > "$opencode_dir/install.log" 2>&1 \
    || { say "npm install failed; its log:"; tail -n 30 "$opencode_dir/install.log" >&2; exit 1; }
  # The package's postinstall links the platform binary; an npm that skips install scripts leaves none.
  if ! "$opencode_dir/node_modules/.bin/opencode" --version > /dev/null 2>&1; then
    (cd "$opencode_dir/node_modules/opencode-ai" && node postinstall.mjs) >> "$opencode_dir/install.log" 2>&1 || true
  fi
  "$opencode_dir/node_modules/.bin/opencode" --version > /dev/null 2>&1 \
    || { say "opencode does not run after the install; see $opencode_dir/install.log"; exit 1; }
fi

# Built when missing or older than its sources (as clients/run.sh does): Maven may need the network.
if [[ ! -f "$repo/target/switchboard.jar" \
      || -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$repo/target/switchboard.jar" -print -quit)" ]]; then
  say "building Switchboard"
  "$repo/switchboard" build >&2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-sdks.XXXXXX")"
say "cases: $cases; everything lands in $work"
started=$SECONDS
inner_rc=0
WORK="$work" REPO="$repo" SDK_MODULES="$sdk_dir/node_modules" OPENCODE_BIN="$opencode_dir/node_modules/.bin/opencode" \
  NODE_DIR="$(dirname "$(command -v node)")" CASES="$cases" CLI_TIMEOUT="$cli_timeout" \
  unshare -rn bash "$repo/clients/sdks/inner.sh" || inner_rc=$?

printf '\nSwitchboard SDK check, %ss in all, files in %s\n' $((SECONDS - started)) "$work"
{
  printf 'case\tclient\tmode\tstream\tmodel\tfake\texit\tquoted\ttool result seen\tverdict\ttime\n'
  cat "$work/results.tsv" 2>/dev/null || true
} | if command -v column > /dev/null; then column -t -s $'\t'; else cat; fi
expected_count=$(wc -w <<< "$cases")
passed=$(grep -cE $'\t(PASS|TEXT)\t' "$work/results.tsv" 2>/dev/null || true)
if ((inner_rc != 0 || passed != expected_count)); then
  printf 'FAILED: %s of %s cases passed%s\n' "${passed:-0}" "$expected_count" \
    "$( ((inner_rc != 0)) && printf ' (the harness stopped with status %s)' "$inner_rc")"
  exit 1
fi
printf 'all %s cases passed\n' "$expected_count"
