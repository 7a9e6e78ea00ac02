# Sourced by bench/run.sh and bench/profile.sh: the tools they need, the mock upstream (nginx serving
# fixed answers) and the Switchboard configuration pointing two models at it.

# need_nginx_and_wrk: installs them as root on Debian, else says what is missing and exits
need_nginx_and_wrk() {
  local tool
  for tool in nginx wrk; do
    if ! command -v "$tool" >/dev/null; then
      if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
        apt-get install -y nginx-light wrk >/dev/null
      else
        echo "bench: $tool is missing (Debian: apt-get install nginx-light wrk)" >&2; exit 1
      fi
    fi
  done
}

# mock_upstream WORK JSON_PORT SSE_PORT: writes WORK/mock.conf; nginx answers every POST with the
# OpenAI spec's chat completion (JSON_PORT) or a recorded-shape 12-event stream (SSE_PORT).
# "error_page 405 =200" lets nginx's static handler answer POSTs.
mock_upstream() {
  local work="$1" mocks
  mocks="$(dirname "${BASH_SOURCE[0]}")"
  mkdir -p "$work/json/v1/chat" "$work/sse/v1/chat" "$work/logs"
  cp "$mocks/completion.json" "$work/json/v1/chat/completions"
  cp "$mocks/stream.sse" "$work/sse/v1/chat/completions"
  cat > "$work/mock.conf" <<CONF
worker_processes 1;
error_log $work/logs/mock-error.log warn;
pid $work/mock.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  server {
    listen 127.0.0.1:$2 reuseport backlog=4096;
    location / { root $work/json; default_type application/json; error_page 405 =200 \$uri; }
  }
  server {
    listen 127.0.0.1:$3 reuseport backlog=4096;
    location / { root $work/sse; default_type text/event-stream; error_page 405 =200 \$uri; }
  }
}
CONF
}

# switchboard_config FILE PORT STORAGE JSON_PORT SSE_PORT [EXTRA_YAML]: models bench/json and bench/sse
switchboard_config() {
  cat > "$1" <<CONF
server: { host: 127.0.0.1, port: $2 }
storage: $3
providers:
  - { id: mock-json, name: Mock, protocol: openai, base_url: "http://127.0.0.1:$4/v1", data_policy: { training: false, retention_days: 0 } }
  - { id: mock-sse, name: Mock SSE, protocol: openai, base_url: "http://127.0.0.1:$5/v1", data_policy: { training: false, retention_days: 0 } }
models:
  - { id: bench/json, name: Bench JSON, context_length: 128000, pricing: { prompt: 2, completion: 8 },
      endpoints: [ { provider: mock-json, upstream_model: gpt-4.1 } ] }
  - { id: bench/sse, name: Bench SSE, context_length: 128000, pricing: { prompt: 2, completion: 8 },
      endpoints: [ { provider: mock-sse, upstream_model: gpt-4.1 } ] }
${6:-}
CONF
}
