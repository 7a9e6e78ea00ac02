#!/usr/bin/env bash
# Where Switchboard's CPU goes under the bench's load: async-profiler (from Maven Central) is attached to a
# warmed-up Switchboard through `jcmd JVMTI.agent_load` while wrk drives it, and the profile is written as a
# flame graph (bench/results/flame-MODE-STAMP.html) plus a table of where the samples fall: each thread's
# share, and on the event loops the kernel, Netty, Vert.x, Jackson, the JDK and Switchboard's own code.
#
#   bench/profile.sh [--mode json|sse] [--seconds N] [--warmup N] [--connections N]
#
# Same mock upstream and Switchboard configuration as bench/run.sh; needs nginx, wrk and the JDK the
# launcher finds (25 here). Everything listens on 127.0.0.1 and stops when the script ends.
set -euo pipefail

mode=json
seconds=15
warmup=20
connections=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mode) mode="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
# shellcheck source=bench/mock/upstream.sh
source "$here/mock/upstream.sh"
need_nginx_and_wrk
jdk="${JAVA_HOME:-}"
[[ -x "$jdk/bin/jcmd" ]] || { echo "bench: set JAVA_HOME to the JDK Switchboard runs on (its jcmd attaches the profiler)" >&2; exit 1; }

# async-profiler's jar carries the native agent for each platform
version=4.1
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$version/async-profiler-$version.jar"
[[ -f "$jar" ]] || (cd "$root" && ./mvnw -B -ntp -q dependency:get -Dartifact="tools.profiler:async-profiler:$version" >/dev/null)
work="$(mktemp -d /tmp/switchboard-profile.XXXXXX)"
chmod 755 "$work"
(cd "$work" && unzip -q -o "$jar" 'linux-x64/*')
agent="$work/linux-x64/libasyncProfiler.so"
mkdir -p "$work/logs" "$root/bench/results"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

MOCK_JSON=19141; MOCK_SSE=19142; SWITCHBOARD=19150
mock_upstream "$work" $MOCK_JSON $MOCK_SSE
switchboard_config "$work/switchboard.yaml" $SWITCHBOARD "{ database: \"sqlite:$work/switchboard.db\" }" $MOCK_JSON $MOCK_SSE

nginx -p "$work" -c "$work/mock.conf" -g 'daemon off;' & pids+=($!)
(cd "$root" && ./switchboard build >/dev/null)
"$root/switchboard" serve --config "$work/switchboard.yaml" > "$work/logs/switchboard.log" 2>&1 & sb=$!; pids+=($sb)
for _ in $(seq 1 500); do curl -sf "http://127.0.0.1:$SWITCHBOARD/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
curl -sf "http://127.0.0.1:$SWITCHBOARD/readyz" >/dev/null || { cat "$work/logs/switchboard.log"; exit 1; }
BENCH_KEY="$(grep -oE 'inference key "default": sk-sb-v1-[0-9a-f]{64}' "$work/logs/switchboard.log" | grep -oE 'sk-sb-v1-[0-9a-f]{64}')"
export BENCH_KEY
stream=$([[ $mode == sse ]] && echo '"stream":true,' || echo '')
export BENCH_BODY="{\"model\":\"bench/$mode\",$stream\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful assistant.\"},{\"role\":\"user\",\"content\":\"Hello! How are you today?\"}],\"max_tokens\":64}"
url="http://127.0.0.1:$SWITCHBOARD/v1/chat/completions"

echo "warming up for ${warmup}s..." >&2
wrk -t1 -c"$connections" -d"${warmup}s" -s "$here/post.lua" "$url" >/dev/null
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
collapsed="$work/profile.collapsed"
flame="$root/bench/results/flame-$mode-$stamp.html"
# the quotes keep jcmd from splitting the agent's options at the commas
"$jdk/bin/jcmd" "$sb" JVMTI.agent_load "$agent" "\"start,event=cpu,interval=1ms,threads\"" >/dev/null
ticks() { awk '{print $14 + $15}' "/proc/$sb/stat"; }
before="$(ticks)"
result="$(wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/post.lua" "$url" | grep '^RESULT')"
after="$(ticks)"
"$jdk/bin/jcmd" "$sb" JVMTI.agent_load "$agent" "\"dump,file=$collapsed,collapsed\"" >/dev/null
"$jdk/bin/jcmd" "$sb" JVMTI.agent_load "$agent" "\"stop,file=$flame\"" >/dev/null

requests="$(echo "$result" | sed -E 's/.*requests=([0-9]+).*/\1/')"
hz="$(getconf CLK_TCK)"
echo
echo "$mode, $connections connections, ${seconds}s profiled after ${warmup}s of warm-up: $result"
echo "Switchboard's CPU per request: $(( (after - before) * 1000000 / hz / requests )) µs"
[[ -f "$flame" ]] && echo "flame graph: $flame"
echo
python3 - "$collapsed" <<'PY'
import collections, sys
threads, parts, total, loops = collections.Counter(), collections.Counter(), 0, 0
def part(frame):
    if frame.endswith("_[k]"): return "kernel (TCP on loopback, io_uring, scheduling)"
    for prefix, name in (("io/netty", "Netty"), ("io/vertx", "Vert.x"), ("com/fasterxml", "Jackson"),
                         ("dev/switchboard", "Switchboard's own code"), ("java/", "JDK"), ("jdk/", "JDK"), ("sun/", "JDK")):
        if frame.startswith(prefix): return name
    return None
for line in open(sys.argv[1]):
    stack, _, n = line.rstrip().rpartition(" ")
    n = int(n); frames = stack.split(";"); total += n
    thread = frames[0].strip("[]").split(" tid=")[0].rstrip("0123456789-#")
    threads[thread] += n
    if "eventloop" in frames[0]:
        loops += n
        name = next((p for p in map(part, reversed(frames)) if p), "JVM (compiled code stubs, GC barriers)")
        parts[name] += n
print("| thread | share of Switchboard's CPU samples |\n|---|---:|")
for name, n in threads.most_common(8): print(f"| {name} | {100 * n / total:.1f}% |")
print("\n| on the event loops, the sample's innermost frame is in | share |\n|---|---:|")
for name, n in parts.most_common(): print(f"| {name} | {100 * n / loops:.1f}% |")
PY
