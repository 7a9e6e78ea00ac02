#!/usr/bin/env bash
# The part of clients/run.sh that runs inside `unshare -rn` (a new network namespace where only
# loopback exists): starts the fake upstreams and (unless direct) Switchboard, runs each case's CLI,
# and writes one line per case to $WORK/results.tsv. Not meant to be run by hand; run.sh sets:
#   WORK (temp dir), REPO (checkout), CLIENTS_BIN (node_modules/.bin of the CLIs), NODE_DIR,
#   MODE (direct|gateway), CASES (e.g. "a b c d"), CLI_TIMEOUT (seconds per CLI run).
set -euo pipefail

SAY_PREFIX=clients
source "$REPO/clients/harness.sh"
start_fakes

if [[ "$MODE" == gateway ]]; then
  start_gateway agent-clients
fi

# ---- the CLIs ----
cli_path="$CLIENTS_BIN:$NODE_DIR:/usr/local/bin:/usr/bin:/bin"
claude_prompt="read hello.txt and tell me what it says"
codex_prompt="run echo hi in the shell"

run_claude() { # HOME BASE_URL TOKEN MODEL (empty: Claude Code's default)
  (cd "$project" && timeout "$CLI_TIMEOUT" env -i PATH="$cli_path" HOME="$1" LANG=C.UTF-8 TERM=dumb \
    ANTHROPIC_BASE_URL="$2" ANTHROPIC_AUTH_TOKEN="$3" DISABLE_TELEMETRY=1 DISABLE_NONESSENTIAL_TRAFFIC=1 \
    claude -p "$claude_prompt" ${4:+--model "$4"} < /dev/null)
}

run_codex() { # HOME BASE_URL TOKEN MODEL WIRE_API
  cat > "$1/config.toml" <<EOF
model_provider = "under_test"

[model_providers.under_test]
name = "Under test"
base_url = "$2"
env_key = "UNDER_TEST_API_KEY"
wire_api = "$5"
request_max_retries = 0
stream_max_retries = 0
EOF
  (cd "$project" && timeout "$CLI_TIMEOUT" env -i PATH="$cli_path" HOME="$1" CODEX_HOME="$1" LANG=C.UTF-8 \
    TERM=dumb UNDER_TEST_API_KEY="$3" \
    codex exec --skip-git-repo-check -m "$4" "$codex_prompt" < /dev/null)
}

# One case: which CLI, where it points, which model, which fake must answer the tool-result turn.
# Prints the case's line of results.tsv.
run_case() { # CASE
  local name="$1" client base model fake wire_api=responses expected
  local upstream_token="fake-upstream-key"
  if [[ "$MODE" == direct ]]; then
    case "$name" in
      a) client=claude; base="http://127.0.0.1:$anthropic_port"; model=anthropic/claude-sonnet-4.5; fake=anthropic ;;
      e) client=claude; base="http://127.0.0.1:$anthropic_port"; model=""; fake=anthropic ;;
      b) client=claude; base="http://127.0.0.1:$anthropic_port"; model=openai/gpt-5.1; fake=anthropic ;;
      c) client=codex; base="http://127.0.0.1:$responses_port/v1"; model=openai/gpt-5.1; fake=responses ;;
      d) client=codex; base="http://127.0.0.1:$chat_port/v1"; model=openai/gpt-5.1; fake=chat; wire_api=chat ;;
    esac
  else
    upstream_token="$token"
    case "$name" in
      a) client=claude; base="$gateway"; model=anthropic/claude-sonnet-4.5; fake=anthropic ;;
      e) client=claude; base="$gateway"; model=""; fake=anthropic ;;
      b) client=claude; base="$gateway"; model=openai/gpt-5.1; fake=chat ;;
      c) client=codex; base="$gateway/v1"; model=openai/gpt-5.1-codex; fake=responses ;;
      d) client=codex; base="$gateway/v1"; model=openai/gpt-5.1; fake=chat ;;
    esac
  fi
  if [[ "$client" == claude ]]; then expected="The file says: $hello_text"; else expected="The command printed: hi"; fi

  local dir="$WORK/case-$name" rc=0 started=$SECONDS
  mkdir -p "$dir/home"
  local fake_from gateway_from
  fake_from=$(($(wc -l < "$fake_log") + 1)); gateway_from=$(($(wc -l < "$gateway_log") + 1))
  say "case $name: $client --model ${model:-(default)} -> $base ($MODE)"
  if [[ "$client" == claude ]]; then
    run_claude "$dir/home" "$base" "$upstream_token" "$model" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  else
    run_codex "$dir/home" "$base" "$upstream_token" "$model" "$wire_api" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  fi
  local took=$((SECONDS - started))
  # Switchboard writes its access log in batches, once a second (server.AccessLogAppender).
  [[ "$MODE" == gateway ]] && sleep 1.5
  tail -n +"$fake_from" "$fake_log" > "$dir/fake-upstreams.jsonl"
  tail -n +"$gateway_from" "$gateway_log" > "$dir/switchboard.log"

  local quoted=no round_trip=no verdict=FAIL
  grep -qF "$expected" "$dir/stdout" && quoted=yes
  # The fake named for the case answered a request that carried the tool's result.
  grep -q "\"server\":\"$fake\".*\"tool_results\":[1-9]" "$dir/fake-upstreams.jsonl" && round_trip=yes
  [[ $rc == 0 && $quoted == yes && $round_trip == yes ]] && verdict=PASS
  # Codex 0.171 refuses wire_api = "chat", so no CLI can call the Chat Completions fake directly;
  # cases b and d cover it through Switchboard.
  if [[ "$MODE" == direct && "$wire_api" == chat ]] && grep -q 'wire_api = "chat"` is no longer supported' "$dir/stderr"; then
    verdict=SKIP
  fi
  report_case "$name" "$dir" "$rc" "$quoted" "$round_trip" "$expected"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%ss\n' "$name" "$client" "${model:-(default)}" "$fake" "$rc" "$quoted" "$round_trip" \
    "$verdict" "$took" >> "$WORK/results.tsv"
}

report_case() { # NAME DIR RC QUOTED ROUND_TRIP EXPECTED
  local dir="$2"
  {
    printf -- '---- case %s: exit %s, final answer quotes the tool output: %s, tool result reached the fake: %s\n' \
      "$1" "$3" "$4" "$5"
    printf 'expected in stdout: %s\n' "$6"
    printf -- '-- stdout:\n'; tail -c 2000 "$dir/stdout"
    printf -- '-- stderr (last 25 lines):\n'; tail -n 25 "$dir/stderr"
    printf -- '-- what the fakes received:\n'
    # shellcheck disable=SC2016 # JavaScript template literals, not shell
    node -e '
      for (const line of require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
        const e = JSON.parse(line);
        console.log(`${e.server} ${e.method} ${e.url} -> ${e.status} model=${e.model ?? "-"} stream=${e.stream ?? "-"}`
          + ` max_tokens=${e.max_tokens ?? e.max_completion_tokens ?? e.max_output_tokens ?? "-"}`
          + ` system_turn=${e.system_turn_in_messages ?? "-"} turns=${(e.turns ?? []).join(",")}`
          + ` tool_results=${e.tool_results ?? "-"} reply=${e.reply ?? "-"}`);
      }' "$dir/fake-upstreams.jsonl"
    if [[ -s "$dir/switchboard.log" ]]; then
      printf -- '-- Switchboard log during the case:\n'; tail -n 20 "$dir/switchboard.log"
    fi
  } >&2
}

: > "$WORK/results.tsv"
for name in $CASES; do
  run_case "$name"
done
