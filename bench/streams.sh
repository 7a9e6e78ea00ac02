#!/usr/bin/env bash
# Many slow streams at once: N streaming chat completions opened together against a drip upstream
# (each answer is CHUNKS chunks, GAP ms apart), through nginx proxy_pass and through Switchboard in the
# same run. A stream counts as served when it ends with [DONE] and carries no error. Prints, per setup,
# served / failed, the wall time, and the peak resident memory of the proxy process.
#
#   bench/streams.sh [--streams N] [--chunks N] [--gap-ms MS]      (default: 10000 streams, 10 chunks, 1000 ms)
#
# Needs nginx and python3; raises the open-file limit for itself. Everything listens on 127.0.0.1.
set -euo pipefail

streams=10000
chunks=10
gap=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --streams) streams="$2"; shift 2 ;;
    --chunks) chunks="$2"; shift 2 ;;
    --gap-ms) gap="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
command -v nginx >/dev/null || { echo "bench: nginx is missing (Debian: apt-get install nginx-light)" >&2; exit 1; }
# every stream holds a client socket and an upstream socket in each proxy
ulimit -n 200000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if (( $(ulimit -n) < 2 * streams + 1000 )); then
  echo "bench: the open-file limit is $(ulimit -n): too few for $streams streams through a proxy (a client and an upstream socket each); expect failures near it" >&2
fi

work="$(mktemp -d /tmp/switchboard-streams.XXXXXX)"
chmod 755 "$work"
mkdir -p "$work/logs"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

DRIP=19130; PROXY=19131; SWITCHBOARD=19132

python3 "$here/mock/drip.py" $DRIP "$chunks" "$gap" & pids+=($!)

cat > "$work/proxy.conf" <<CONF
worker_processes 1;
worker_rlimit_nofile 200000;
error_log $work/logs/proxy-error.log warn;
pid $work/proxy.pid;
events { worker_connections 60000; }
http {
  access_log off;
  upstream drip { server 127.0.0.1:$DRIP; keepalive 1024; }
  server {
    listen 127.0.0.1:$PROXY reuseport backlog=16384;
    location / { proxy_pass http://drip; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off;
                 proxy_read_timeout 120s; }
  }
}
CONF
nginx -p "$work" -c "$work/proxy.conf" -g 'daemon off;' & nginx_pid=$!; pids+=($nginx_pid)

cat > "$work/switchboard.yaml" <<CONF
server: { host: 127.0.0.1, port: $SWITCHBOARD }
storage: { database: "sqlite:$work/switchboard.db" }
providers:
  - { id: drip, name: Drip, protocol: openai, base_url: "http://127.0.0.1:$DRIP/v1", data_policy: { training: false, retention_days: 0 } }
models:
  - { id: bench/drip, name: Bench drip, context_length: 128000, pricing: { prompt: 2, completion: 8 },
      endpoints: [ { provider: drip, upstream_model: drip } ] }
CONF
(cd "$root" && ./switchboard build >/dev/null)
"$root/switchboard" serve --config "$work/switchboard.yaml" > "$work/logs/switchboard.log" 2>&1 & sb_pid=$!; pids+=($sb_pid)
for i in $(seq 1 300); do curl -sf "http://127.0.0.1:$SWITCHBOARD/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$SWITCHBOARD/readyz" >/dev/null || { cat "$work/logs/switchboard.log"; exit 1; }
key="$(grep -oE 'inference key "default": sk-sb-v1-[0-9a-f]{64}' "$work/logs/switchboard.log" | grep -oE 'sk-sb-v1-[0-9a-f]{64}')"

# resident memory of a process, in MB
rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
run() {
  local name="$1" url="$2" pid="$3" peak=0 line sampler
  ( while kill -0 "$pid" 2>/dev/null; do r="$(rss_mb "$pid")"; [[ "$r" -gt "$peak" ]] && peak="$r" && echo "$peak" > "$work/$name.peak"; sleep 0.2; done ) &
  sampler=$!
  line="$(python3 "$here/mock/streams_client.py" "$url" "$key" "$streams" bench/drip 2>"$work/logs/$name-client.err")"
  kill "$sampler" 2>/dev/null || true
  echo "$name $line peak_mb=$(cat "$work/$name.peak" 2>/dev/null || echo 0)"
  [[ -s "$work/logs/$name-client.err" ]] && sed 's/^/  /' "$work/logs/$name-client.err" >&2 || true
}

echo "warming up..." >&2
python3 "$here/mock/streams_client.py" "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" "$key" 200 bench/drip >/dev/null
idle="$(rss_mb "$sb_pid")"
results="$work/results.txt"
nginx_worker="$(pgrep -P "$nginx_pid" | head -1)" # the worker holds the connections, not the master
run nginx "http://127.0.0.1:$PROXY/v1/chat/completions" "$nginx_worker" >> "$results"
run switchboard "http://127.0.0.1:$SWITCHBOARD/v1/chat/completions" "$sb_pid" >> "$results"

echo
echo "$streams streams opened at once, each $chunks chunks ${gap} ms apart; Switchboard's RSS before: ${idle} MB"
echo
echo "| setup | served | failed | seconds | peak RSS (MB) |"
echo "|---|---:|---:|---:|---:|"
sed -E 's/^([a-z]+) RESULT streams=[0-9]+ served=([0-9]+) failed=([0-9]+) seconds=([0-9.]+) peak_mb=([0-9]+)/| \1 | \2 | \3 | \4 | \5 |/' "$results"
