# Sourced by clients/inner.sh and clients/sdks/inner.sh inside `unshare -rn`: the working directory the
# clients run in (holding hello.txt, whose text names the run), the fake upstreams
# (clients/fake-upstreams.mjs) and Switchboard in front of them (clients/switchboard.yaml.in).
# Expects WORK and REPO; the caller sets SAY_PREFIX. Everything started is stopped on exit.

ip link set lo up

project="$WORK/project"        # the clients' working directory: not a git repository, holds hello.txt
mkdir -p "$project"
hello_text="hello from the fixture file, run $(basename "$WORK")"
printf '%s\n' "$hello_text" > "$project/hello.txt"
fake_log="$WORK/fake-upstreams.jsonl"
gateway_log="$WORK/switchboard.log"
: > "$fake_log"
: > "$gateway_log"
pids=()
stop_started() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_started EXIT

say() { printf '[%s] %s\n' "$SAY_PREFIX" "$*" >&2; }

wait_for_file() { # FILE SECONDS
  local deadline=$((SECONDS + $2))
  until [[ -s "$1" ]]; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Starts the Chat Completions, Anthropic Messages and Responses fakes; sets chat_port, anthropic_port, responses_port.
start_fakes() {
  node "$REPO/clients/fake-upstreams.mjs" "$WORK/ports.json" "$fake_log" "$project/hello.txt" \
    > "$WORK/fake-upstreams.out" 2>&1 &
  pids+=($!)
  wait_for_file "$WORK/ports.json" 15 || { say "fake upstreams did not start:"; cat "$WORK/fake-upstreams.out" >&2; exit 1; }
  port_of() { node -p "JSON.parse(require('fs').readFileSync('$WORK/ports.json','utf8')).$1"; }
  chat_port="$(port_of chat)"; anthropic_port="$(port_of anthropic)"; responses_port="$(port_of responses)"
  say "fake upstreams: chat :$chat_port, anthropic :$anthropic_port, responses :$responses_port"
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# Starts Switchboard in front of the fakes and creates an inference key named KEY_NAME; sets gateway and token.
start_gateway() { # KEY_NAME
  local port admin_key config="$WORK/switchboard.yaml"
  port="$(free_port)"
  admin_key="sk-sb-v1-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
  sed -e "s|@PORT@|$port|; s|@DATA@|$WORK/data|" \
      -e "s|@CHAT@|$chat_port|; s|@ANTHROPIC@|$anthropic_port|; s|@RESPONSES@|$responses_port|" \
      "$REPO/clients/switchboard.yaml.in" > "$config"
  if ! (cd "$REPO" && ./switchboard check-config "$config") > "$WORK/check-config.out" 2>&1 \
      && grep -q responses_api "$WORK/check-config.out"; then
    # A gateway without the provider flag: run the other cases; the Responses-upstream ones then fail visibly.
    say "this Switchboard does not know responses_api ($(head -1 "$WORK/check-config.out")); dropping the flags"
    sed -i '/responses_api:/d' "$config"
  fi
  (cd "$REPO" && SWITCHBOARD_ADMIN_KEY="$admin_key" exec ./switchboard serve --config "$config") \
    >> "$gateway_log" 2>&1 &
  pids+=($!)
  gateway="http://127.0.0.1:$port"
  local deadline=$((SECONDS + 90))
  until curl -fs "$gateway/healthz" > /dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! kill -0 "${pids[-1]}" 2>/dev/null; then
      say "Switchboard did not start; its log:"; cat "$gateway_log" >&2; exit 1
    fi
    sleep 0.5
  done
  token="$(curl -fsS "$gateway/api/v1/keys" -H "Authorization: Bearer $admin_key" \
      -d "{\"name\":\"$1\"}" | node -p 'JSON.parse(require("fs").readFileSync(0,"utf8")).key')"
  say "Switchboard on $gateway (log: $gateway_log)"
}
