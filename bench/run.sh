#!/usr/bin/env bash
# Reproducible load benchmark: Switchboard against a plain nginx proxy_pass hop, same mock upstream,
# same machine, alternating rounds. Prints requests/s, p50 and p99 per setup and the ratio.
#
#   bench/run.sh [--duration SECONDS] [--rounds N] [--connections N] [--threads N] [--config YAML] [--cluster]
#                [--modes "json sse one"] [--streams N]
#
# Modes: json (non-streamed answers) and sse (streamed) under --connections; one (non-streamed, one
# connection: the latency a single client sees, and what Switchboard adds to nginx's p50). It also
# prints each Switchboard's time from `serve` to ready and its resident memory after start and at its
# peak. --streams N then runs bench/streams.sh: N slow streams open at once through nginx and through
# Switchboard (it needs an open-file limit of about 2N+1000).
#
# --cluster also starts a cluster-mode node (PostgreSQL at 127.0.0.1:5432 database test, in a schema of
# its own, and Redis at 127.0.0.1:6379 under a prefix of its own) and measures it in the same rounds.
# Both Switchboards then serve a key with a credit limit and a requests-per-minute limit, so every
# request reserves, rate-limits and settles: in memory on the one node, in Redis on the cluster node.
#
# --config adds top-level settings to Switchboard's file, for A/B runs, e.g.
#   --config 'observability: { access_log: { enabled: false } }'
#
# Needs nginx and wrk (Debian: apt-get install nginx-light wrk). Everything listens on 127.0.0.1
# and stops when the script ends.
set -euo pipefail

duration=10
rounds=3
connections=64
threads=1
extra_config=""
cluster=""
modes="json sse one"
streams=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --config) extra_config="$2"; shift 2 ;;
    --cluster) cluster=1; shift ;;
    --modes) modes="$2"; shift 2 ;;
    --streams) streams="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=bench/mock/upstream.sh
source "$here/mock/upstream.sh"
need_nginx_and_wrk

work="$(mktemp -d /tmp/switchboard-bench.XXXXXX)"
chmod 755 "$work" # nginx workers run unprivileged and must read the mock files
mkdir -p "$work/logs" "$root/bench/results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

MOCK_JSON=19101; MOCK_SSE=19102; PROXY_JSON=19111; PROXY_SSE=19112; SWITCHBOARD=19120; CLUSTER=19121

mock_upstream "$work" $MOCK_JSON $MOCK_SSE

cat > "$work/proxy.conf" <<CONF
worker_processes auto;
error_log $work/logs/proxy-error.log warn;
pid $work/proxy.pid;
events { worker_connections 4096; }
http {
  # Switchboard writes an access line per request by default; the proxy logs too, buffered as nginx does best
  access_log $work/logs/proxy-access.log combined buffer=64k flush=1s;
  keepalive_requests 1000000;
  upstream mock_json { server 127.0.0.1:$MOCK_JSON; keepalive 256; }
  upstream mock_sse { server 127.0.0.1:$MOCK_SSE; keepalive 256; }
  server {
    listen 127.0.0.1:$PROXY_JSON reuseport backlog=4096;
    location / { proxy_pass http://mock_json; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
  server {
    listen 127.0.0.1:$PROXY_SSE reuseport backlog=4096;
    location / { proxy_pass http://mock_sse; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF

# write_config FILE PORT STORAGE
write_config() { switchboard_config "$1" "$2" "$3" $MOCK_JSON $MOCK_SSE "$extra_config"; }
write_config "$work/switchboard.yaml" $SWITCHBOARD "{ database: \"sqlite:$work/switchboard.db\" }"
bench_id="bench_$(date -u +%s)_$$"
if [[ -n "$cluster" ]]; then
  write_config "$work/cluster.yaml" $CLUSTER "{ database: \"postgresql://postgres@127.0.0.1:5432/test?schema=$bench_id\", redis: \"redis://127.0.0.1:6379\", redis_prefix: \"$bench_id:\" }"
fi

nginx -p "$work" -c "$work/mock.conf" -g 'daemon off;' & pids+=($!)
nginx -p "$work" -c "$work/proxy.conf" -g 'daemon off;' & pids+=($!)
(cd "$root" && ./switchboard build >/dev/null)
# serve NAME CONFIG PORT: starts a Switchboard and waits until it is ready
# and notes its process id, how long it took to be ready and its resident memory then (launcher included)
serve() {
  local started=$(date +%s%N)
  "$root/switchboard" serve --config "$2" > "$work/logs/$1.log" 2>&1 & pids+=($!)
  echo $! > "$work/$1.pid"
  for i in $(seq 1 1500); do
    curl -sf "http://127.0.0.1:$3/readyz" >/dev/null 2>&1 && break
    sleep 0.02
  done
  curl -sf "http://127.0.0.1:$3/readyz" >/dev/null || { cat "$work/logs/$1.log"; exit 1; }
  echo $(( ($(date +%s%N) - started) / 1000000 )) > "$work/$1.ready_ms"
  awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$(cat "$work/$1.pid")/status" > "$work/$1.idle_mb"
}
# the first start on a fresh store prints the keys it created
first_key() { grep -oE "$2 sk-sb-v1-[0-9a-f]{64}" "$work/logs/$1.log" | grep -oE 'sk-sb-v1-[0-9a-f]{64}'; }
# limited_key NAME PORT: a key with a credit limit and a requests-per-minute limit, made with the admin key
limited_key() {
  curl -sf -X POST "http://127.0.0.1:$2/api/v1/keys" -H "Authorization: Bearer $(first_key "$1" 'cannot call models\):')" \
    -H 'content-type: application/json' \
    -d '{"name":"bench","limit":1000000,"rate_limit":{"requests_per_minute":100000000}}' \
    | grep -oE '"key":"sk-sb-v1-[0-9a-f]{64}"' | grep -oE 'sk-sb-v1-[0-9a-f]{64}'
}

serve switchboard "$work/switchboard.yaml" $SWITCHBOARD
if [[ -n "$cluster" ]]; then
  serve cluster "$work/cluster.yaml" $CLUSTER
  trap 'cleanup; psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $bench_id CASCADE" >/dev/null 2>&1 || true' EXIT
  SINGLE_KEY="$(limited_key switchboard $SWITCHBOARD)"
  CLUSTER_KEY="$(limited_key cluster $CLUSTER)"
else
  # requests go through auth, credits and the ledger with the key the first start printed
  SINGLE_KEY="$(first_key switchboard 'inference key "default":')"
fi
BENCH_KEY="$SINGLE_KEY"
export BENCH_KEY
auth=(-H "Authorization: Bearer $BENCH_KEY")

json_body='{"model":"bench/json","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! How are you today?"}],"max_tokens":64}'
sse_body='{"model":"bench/sse","stream":true,"messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Hello! How are you today?"}],"max_tokens":64}'

# One wrk run; prints "rps p50_us p99_us errors".
measure() {
  local url="$1" body="$2" seconds="$3" line conns="${4:-$connections}"
  line="$(BENCH_BODY="$body" wrk -t"$(( conns < threads ? conns : threads ))" -c"$conns" -d"${seconds}s" -s "$here/post.lua" "$url" | grep '^RESULT')"
  echo "$line" | sed -E 's/.*rps=([0-9.]+) p50_us=([0-9]+) p99_us=([0-9]+) requests=[0-9]+ errors=([0-9]+).*/\1 \2 \3 \4/'
}

# sanity: both paths answer before measuring
curl -sf -X POST "http://127.0.0.1:$PROXY_JSON/v1/chat/completions" -d "$json_body" >/dev/null
curl -sf "${auth[@]}" -X POST "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" -d "$json_body" | grep -q '"provider":"Mock"'
curl -sfN "${auth[@]}" -X POST "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" -d "$sse_body" | grep -q 'data: \[DONE\]'

echo "warming up the JVM..." >&2
measure "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" "$json_body" "$duration" >/dev/null
measure "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" "$sse_body" "$duration" >/dev/null
if [[ -n "$cluster" ]]; then
  curl -sf -H "Authorization: Bearer $CLUSTER_KEY" -X POST "http://127.0.0.1:$CLUSTER/v1/chat/completions" -d "$json_body" | grep -q '"provider":"Mock"'
  BENCH_KEY="$CLUSTER_KEY" measure "http://127.0.0.1:$CLUSTER/v1/chat/completions" "$json_body" "$duration" >/dev/null
  BENCH_KEY="$CLUSTER_KEY" measure "http://127.0.0.1:$CLUSTER/v1/chat/completions" "$sse_body" "$duration" >/dev/null
fi

results="$work/results.txt"
: > "$results"
one_body="$json_body"
for mode in $modes; do
  body_var="${mode}_body"
  proxy_port=$([[ $mode == sse ]] && echo $PROXY_SSE || echo $PROXY_JSON)
  conns=$([[ $mode == one ]] && echo 1 || echo "$connections")
  for round in $(seq 1 "$rounds"); do
    echo "round $round/$rounds ($mode)..." >&2
    echo "$mode nginx $(measure "http://127.0.0.1:$proxy_port/v1/chat/completions" "${!body_var}" "$duration" "$conns")" >> "$results"
    echo "$mode switchboard $(measure "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" "${!body_var}" "$duration" "$conns")" >> "$results"
    if [[ -n "$cluster" ]]; then
      echo "$mode cluster $(BENCH_KEY="$CLUSTER_KEY" measure "http://127.0.0.1:$CLUSTER/v1/chat/completions" "${!body_var}" "$duration" "$conns")" >> "$results"
    fi
  done
done

# memory: after start, and the peak (VmHWM) over the whole run
memory() { echo "$1 ready_ms=$(cat "$work/$1.ready_ms") idle_mb=$(cat "$work/$1.idle_mb") peak_mb=$(awk '/VmHWM/ {printf "%d", $2/1024}' "/proc/$(cat "$work/$1.pid")/status")"; }
memory switchboard > "$work/memory.txt"
[[ -z "$cluster" ]] || memory cluster >> "$work/memory.txt"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
cp "$results" "$root/bench/results/raw-$stamp.txt"
python3 - "$results" "$rounds" "$connections" "$duration" "$work/memory.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
rounds, connections, duration = sys.argv[2], sys.argv[3], sys.argv[4]
print(f"\n{rounds} alternating rounds of {duration}s, {connections} connections (one: 1); medians; latency in microseconds;")
print("ratios and the added p50 are medians of the per-round figures (each Switchboard round against the nginx round just before it)\n")
print("| mode | setup | req/s | p50 | p99 | errors | req/s ratio vs nginx | p99 vs nginx | p50 added |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for mode, label in (("json", "non-stream"), ("sse", "SSE stream"), ("one", f"one connection")):
    nginx = [x for x in rows if x[0] == mode and x[1] == "nginx"]
    switchboard = [x for x in rows if x[0] == mode and x[1] == "switchboard"]
    cluster = [x for x in rows if x[0] == mode and x[1] == "cluster"]
    if not nginx:
        continue
    setups = [("nginx", nginx), ("switchboard", switchboard)] + ([("switchboard cluster node", cluster)] if cluster else [])
    for setup, r in setups:
        rps = statistics.median(float(x[2]) for x in r)
        p50 = statistics.median(int(x[3]) for x in r)
        p99 = statistics.median(int(x[4]) for x in r)
        errors = sum(int(x[5]) for x in r)
        ratio = statistics.median(float(s[2]) / float(n[2]) for n, s in zip(nginx, r))
        shown = f"{ratio:.2f}x"
        if r is cluster:
            shown += " (%.2fx one node)" % statistics.median(float(c[2]) / float(s[2]) for s, c in zip(switchboard, cluster))
        p99_ratio = statistics.median(int(s[4]) / max(1, int(n[4])) for n, s in zip(nginx, r))
        p50_added = statistics.median(int(s[3]) - int(n[3]) for n, s in zip(nginx, r))
        added = "" if r is nginx else f"{p50_added:+,.0f}"
        print(f"| {label} | {setup} | {rps:,.0f} | {p50:,.0f} | {p99:,.0f} | {errors} | {shown} | {p99_ratio:.2f}x | {added} |")
print("\n| Switchboard | `serve` to ready (ms, jar built) | RSS after start (MB) | peak RSS over the run (MB) |")
print("|---|---:|---:|---:|")
for line in open(sys.argv[5]):
    name, *fields = line.split()
    f = dict(x.split("=") for x in fields)
    print(f"| {name} | {f['ready_ms']} | {f['idle_mb']} | {f['peak_mb']} |")
PY

if [[ -n "$streams" ]]; then
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done # the streams bench starts its own
  echo
  "$here/streams.sh" --streams "$streams"
fi
