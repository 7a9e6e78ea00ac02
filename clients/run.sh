#!/usr/bin/env bash
# Runs the real Claude Code and Codex CLIs, as a user would, against Switchboard in front of fake
# upstreams (or, with --direct, against the fakes themselves), each through one tool round trip.
# Everything runs in a network namespace where only loopback exists. See docs/clients.md.
#
#   clients/run.sh [--direct] [--cases "a b c d e"] [--timeout SECONDS] [--help]
#
#   a  Claude Code  --model anthropic/claude-sonnet-4.5  -> Anthropic Messages fake
#   b  Claude Code  --model openai/gpt-5.1  -> Chat Completions fake (translated; max_tokens clamped)
#   c  Codex        -m openai/gpt-5.1-codex -> Responses fake (provider responses_api: true)
#   d  Codex        -m openai/gpt-5.1       -> Chat Completions fake (translated)
#   e  Claude Code  (its default model, claude-opus-5-5; sends a system turn) -> Anthropic Messages fake
#   --direct: the CLIs call the fakes without Switchboard (a, b, e: Anthropic fake; c: Responses
#             fake; d: Codex with wire_api = "chat", which Codex 0.171 refuses: reported SKIP).
#
# Environment: SWITCHBOARD_CLIENTS_DIR (where the CLIs are installed; default
# ~/.cache/switchboard-clients, ~1 GB, reused), CLAUDE_CODE_VERSION, CODEX_VERSION (the versions the
# fixtures were captured with). Exit status: 0 when every case passed, 1 otherwise, 2 on bad usage.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
clients_dir="${SWITCHBOARD_CLIENTS_DIR:-$HOME/.cache/switchboard-clients}"
claude_version="${CLAUDE_CODE_VERSION:-2.1.332}"
codex_version="${CODEX_VERSION:-0.171.0}"
mode=gateway
cases="a b c d e"
cli_timeout=120

say() { printf '[clients] %s\n' "$*" >&2; }
usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

while (($#)); do
  case "$1" in
    --direct) mode=direct ;;
    --cases) cases="${2:?--cases needs a list like \"a c\"}"; shift ;;
    --timeout) cli_timeout="${2:?--timeout needs seconds}"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) say "unknown argument: $1"; usage >&2; exit 2 ;;
  esac
  shift
done
for name in $cases; do
  [[ "$name" =~ ^[abcde]$ ]] || { say "unknown case: $name (expected a, b, c, d or e)"; exit 2; }
done
for tool in node npm unshare ip timeout curl; do
  command -v "$tool" > /dev/null || { say "needs $tool on PATH"; exit 2; }
done

# The CLIs, installed once into $clients_dir and reused while the versions match.
installed_version() { # BIN
  "$clients_dir/node_modules/.bin/$1" --version 2>/dev/null | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1 || true
}

install_clients() {
  if [[ "$(installed_version claude)" == "$claude_version" && "$(installed_version codex)" == "$codex_version" ]]; then
    say "reusing Claude Code $claude_version and Codex $codex_version in $clients_dir"
    return
  fi
  say "installing @anthropic-ai/claude-code@$claude_version and @openai/codex@$codex_version into $clients_dir (~1 GB, once)"
  mkdir -p "$clients_dir"
  [[ -f "$clients_dir/package.json" ]] || printf '{"name":"switchboard-clients","private":true}\n' > "$clients_dir/package.json"
  npm install --prefix "$clients_dir" --no-audit --no-fund \
    "@anthropic-ai/claude-code@$claude_version" "@openai/codex@$codex_version" > "$clients_dir/install.log" 2>&1 \
    || { say "npm install failed; its log:"; tail -n 30 "$clients_dir/install.log" >&2; exit 1; }
  # Claude Code's postinstall copies the native binary over bin/claude.exe; an npm that skips
  # install scripts leaves the placeholder, so run it ourselves then.
  if [[ "$(installed_version claude)" != "$claude_version" ]]; then
    (cd "$clients_dir/node_modules/@anthropic-ai/claude-code" && node install.cjs) >> "$clients_dir/install.log" 2>&1 || true
  fi
  for bin in claude codex; do
    [[ -n "$(installed_version "$bin")" ]] || { say "$bin does not run after the install; see $clients_dir/install.log"; exit 1; }
  done
}

install_clients
# Built here when missing or older than its sources (as ./switchboard serve would), because Maven
# may need the network, which the namespace does not have.
if [[ "$mode" == gateway && ( ! -f "$repo/target/switchboard.jar" \
      || -n "$(find "$repo/src/main" "$repo/pom.xml" -newer "$repo/target/switchboard.jar" -print -quit)" ) ]]; then
  say "building Switchboard"
  "$repo/switchboard" build >&2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/switchboard-clients.XXXXXX")"
say "mode $mode, cases: $cases; everything lands in $work"
started=$SECONDS
inner_rc=0
WORK="$work" REPO="$repo" CLIENTS_BIN="$clients_dir/node_modules/.bin" NODE_DIR="$(dirname "$(command -v node)")" \
  MODE="$mode" CASES="$cases" CLI_TIMEOUT="$cli_timeout" \
  unshare -rn bash "$repo/clients/inner.sh" || inner_rc=$?

printf '\nSwitchboard client check (%s), %ss in all, files in %s\n' "$mode" $((SECONDS - started)) "$work"
{
  printf 'case\tclient\tmodel\tfake\texit\tquoted\ttool result seen\tverdict\ttime\n'
  cat "$work/results.tsv" 2>/dev/null || true
} | if command -v column > /dev/null; then column -t -s $'\t'; else cat; fi
expected_count=$(wc -w <<< "$cases")
passed=$(grep -cE $'\t(PASS|SKIP)\t' "$work/results.tsv" 2>/dev/null || true)
if ((inner_rc != 0 || passed != expected_count)); then
  printf 'FAILED: %s of %s cases passed%s\n' "${passed:-0}" "$expected_count" \
    "$( ((inner_rc != 0)) && printf ' (the harness stopped with status %s)' "$inner_rc")"
  exit 1
fi
printf 'all %s cases passed\n' "$expected_count"
