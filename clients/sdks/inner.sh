#!/usr/bin/env bash
# The part of clients/sdks.sh that runs inside `unshare -rn` (only loopback exists): starts
# clients/fake-upstreams.mjs and Switchboard (clients/switchboard.yaml.in, as clients/inner.sh does),
# runs each case and writes one line per case to $WORK/results.tsv. sdks.sh sets:
#   WORK, REPO, SDK_MODULES (node_modules of the SDKs), OPENCODE_BIN, NODE_DIR, CASES, CLI_TIMEOUT.
set -euo pipefail

SAY_PREFIX=sdks
source "$REPO/clients/harness.sh"
start_fakes
start_gateway sdk-clients

# ---- the clients ----
scripts="$WORK/scripts"            # the checks next to a node_modules link, so imports resolve
mkdir -p "$scripts"
cp "$REPO"/clients/sdks/*.mjs "$scripts/"
ln -s "$SDK_MODULES" "$scripts/node_modules"
base_path="$NODE_DIR:/usr/local/bin:/usr/bin:/bin"

run_sdk() { # CLIENT MODE STREAM MODEL
  (cd "$project" && timeout "$CLI_TIMEOUT" env -i PATH="$base_path" HOME="$WORK/home" LANG=C.UTF-8 \
    SB_BASE_URL="$gateway" SB_API_KEY="$token" SB_MODE="$2" SB_STREAM="$3" SB_MODEL="$4" \
    node "$scripts/$1.mjs" < /dev/null)
}

# opencode with a provider "switchboard" of the AI SDK package for MODE, in the project's opencode.json.
# The model's limits come from the catalog (GET /v1/models: context_length, top_provider.max_completion_tokens): without them opencode asks for
# max_tokens 32000, more than the fake openai/gpt-5.1's max_output_tokens of 16384.
run_opencode() { # MODE MODEL HOME
  local package limits
  limits="$(curl -fsS "$gateway/v1/models" -H "Authorization: Bearer $token" | node -e '
    const model = JSON.parse(require("fs").readFileSync(0, "utf8")).data.find((m) => m.id === process.argv[1]);
    console.log(JSON.stringify({ context: model.context_length, output: model.top_provider.max_completion_tokens }));' "$2")"
  case "$1" in
    chat) package=@ai-sdk/openai-compatible ;;
    responses) package=@ai-sdk/openai ;;
    anthropic) package=@ai-sdk/anthropic ;;
  esac
  local dir="$3/project"
  mkdir -p "$dir"
  cp "$project/hello.txt" "$dir/"
  cat > "$dir/opencode.json" <<JSON
{
  "\$schema": "https://opencode.ai/config.json",
  "provider": {
    "switchboard": {
      "npm": "$package",
      "name": "Switchboard",
      "options": { "baseURL": "$gateway/v1", "apiKey": "{env:SWITCHBOARD_API_KEY}" },
      "models": { "$2": { "name": "$2 through Switchboard", "limit": $limits } }
    }
  }
}
JSON
  (cd "$dir" && timeout "$CLI_TIMEOUT" env -i PATH="$base_path" HOME="$3" LANG=C.UTF-8 TERM=dumb \
    SWITCHBOARD_API_KEY="$token" OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_AUTOUPDATE=1 \
    OPENCODE_DISABLE_DEFAULT_PLUGINS=1 OPENCODE_DISABLE_SHARE=1 \
    "$OPENCODE_BIN" run -m "switchboard/$2" --print-logs "read hello.txt and tell me what it says" < /dev/null)
}

run_case() { # NAME CLIENT MODE STREAM MODEL FAKE
  local name="$1" client="$2" mode="$3" stream="$4" model="$5" fake="$6"
  local dir="$WORK/case-$name" rc=0 started=$SECONDS expected="The file says: $hello_text"
  mkdir -p "$dir/home"
  local fake_from gateway_from
  fake_from=$(($(wc -l < "$fake_log") + 1)); gateway_from=$(($(wc -l < "$gateway_log") + 1))
  say "case $name: $client $mode stream=$stream --model $model"
  if [[ "$client" == opencode ]]; then
    run_opencode "$mode" "$model" "$dir/home" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  else
    run_sdk "$client" "$mode" "$stream" "$model" > "$dir/stdout" 2> "$dir/stderr" || rc=$?
  fi
  local took=$((SECONDS - started))
  sleep 1.5 # Switchboard writes its access log once a second
  tail -n +"$fake_from" "$fake_log" > "$dir/fake-upstreams.jsonl"
  tail -n +"$gateway_from" "$gateway_log" > "$dir/switchboard.log"

  local quoted=no round_trip=no verdict=FAIL
  grep -qF "$expected" "$dir/stdout" && quoted=yes
  grep -q "\"server\":\"$fake\".*\"tool_results\":[1-9]" "$dir/fake-upstreams.jsonl" && round_trip=yes
  [[ $rc == 0 && $quoted == yes && $round_trip == yes ]] && verdict=PASS
  # opencode offers its own tools (read, bash, ...), not the Read(file_path) the fakes call, and its
  # custom tools need @opencode-ai/plugin installed from npm at start-up: offline it answers text only.
  if [[ "$client" == opencode && $rc == 0 && $verdict == FAIL ]] && grep -qx 'hi' "$dir/stdout" \
      && grep -q "\"server\":\"$fake\".*\"reply\":\"text hi\"" "$dir/fake-upstreams.jsonl"; then
    verdict=TEXT
    quoted="text"
  fi
  {
    printf -- '---- case %s: exit %s, answer quotes the tool result: %s, tool result reached the %s fake: %s\n' \
      "$name" "$rc" "$quoted" "$fake" "$round_trip"
    printf -- '-- stdout:\n'; tail -c 2000 "$dir/stdout"
    printf -- '-- stderr (last 15 lines):\n'; { grep -v '^timestamp=.*level=INFO' "$dir/stderr" || true; } | tail -n 15
    printf -- '-- what the fakes received:\n'
    # shellcheck disable=SC2016 # JavaScript template literals, not shell
    node -e '
      for (const line of require("fs").readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean)) {
        const e = JSON.parse(line);
        console.log(`${e.server} ${e.method} ${e.url} -> ${e.status} model=${e.model ?? "-"} stream=${e.stream ?? "-"}`
          + ` turns=${(e.turns ?? []).join(",")} tools=${(e.tools ?? []).join(",")}`
          + ` tool_results=${e.tool_results ?? "-"} reply=${e.reply ?? "-"}`);
      }' "$dir/fake-upstreams.jsonl"
    printf -- '-- Switchboard log during the case:\n'; tail -n 10 "$dir/switchboard.log"
  } >&2
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%ss\n' "$name" "$client" "$mode" "$stream" "$model" "$fake" \
    "$rc" "$quoted" "$round_trip" "$verdict" "$took" >> "$WORK/results.tsv"
}

: > "$WORK/results.tsv"
for name in $CASES; do
  # shellcheck disable=SC2046 # the case's fields, split on purpose
  set -- $(awk -v n="$name" '$1 == n { print $1, $2, $3, $4, $5, $6 }' "$REPO/clients/sdks/cases.txt")
  run_case "$@"
done
