// Fake LLM upstreams for clients/run.sh: an OpenAI Chat Completions server, an Anthropic Messages
// server and an OpenAI Responses server, each scripted for ONE tool round trip of a coding agent:
//   1. a request without a tool result  -> a call of a tool the client offered
//        Read {"file_path": HELLO_PATH}     (Claude Code)
//        exec_command {"cmd": "echo hi"}    (Codex)
//   2. a request carrying the tool result -> a final text that quotes it:
//        "The file says: <file text>" / "The command printed: <output>"
// so the caller can check that the client really ran the tool and sent its output back.
// Replies copy the shapes of the recorded streams in /work/shared/fixtures (README: "recorded/agents"):
//   anthropic/messages_stream_tool_use_read.claude-code-accepted.sse, ..._text_min.claude-code-accepted.sse
//   openai/responses_stream_function_call_exec_command.codex-accepted.sse, ..._text_min.codex-accepted.sse
//   openai/chat_stream.sse (tool_calls), openai/chat_stream_text.sse (text)
// Each server answers only its own API (404 otherwise), so a gateway that picked the wrong wire shows.
//
// usage: node fake-upstreams.mjs PORTS_FILE LOG_FILE HELLO_PATH
//   listens on 127.0.0.1 free ports, writes {"chat":P,"anthropic":P,"responses":P} to PORTS_FILE once
//   all listen, and appends one JSON line per request to LOG_FILE.
import { createServer } from 'node:http';
import { appendFileSync, writeFileSync } from 'node:fs';

const [portsFile, logFile, helloPath] = process.argv.slice(2);
if (!portsFile || !logFile || !helloPath) {
  console.error('usage: node fake-upstreams.mjs PORTS_FILE LOG_FILE HELLO_PATH');
  process.exit(2);
}
const SHELL_COMMAND = 'echo hi';
const CREATED = 1796171101;

// ---- what the client asked for, in each API's terms ----

const textOf = (content) => typeof content === 'string' ? content
  : Array.isArray(content) ? content.map((p) => p.text ?? '').join('') : '';

/** The tool results a request carries, as plain text, in any of the three APIs. */
function toolResults(api, body) {
  if (api === 'anthropic') {
    return (body.messages ?? []).flatMap((m) => Array.isArray(m.content) ? m.content : [])
      .filter((b) => b.type === 'tool_result').map((b) => textOf(b.content));
  }
  if (api === 'chat') {
    return (body.messages ?? []).filter((m) => m.role === 'tool').map((m) => textOf(m.content));
  }
  return (Array.isArray(body.input) ? body.input : [])
    .filter((i) => i.type === 'function_call_output' || i.type === 'custom_tool_call_output')
    .map((i) => textOf(i.output));
}

function toolNames(api, body) {
  return (body.tools ?? []).map((t) => api === 'chat' ? t.function?.name ?? t.type : t.name ?? t.type);
}

/** What to answer: a tool call the client offered, or the final text quoting the tool's output. */
function plan(api, body) {
  const results = toolResults(api, body);
  if (results.length > 0) {
    return { kind: 'text', text: quote(results.at(-1)) };
  }
  const tools = toolNames(api, body);
  if (tools.includes('Read')) {
    return { kind: 'tool', name: 'Read', args: JSON.stringify({ file_path: helloPath }) };
  }
  if (tools.includes('exec_command')) {
    return { kind: 'tool', name: 'exec_command', args: JSON.stringify({ cmd: SHELL_COMMAND }) };
  }
  return { kind: 'text', text: 'hi' }; // no tool we know: a side request (title, quota check...)
}

// Codex wraps the output ("Chunk ID: ...\nProcess exited with code 0\n...\nOutput:\nhi\n"); Claude
// Code's Read numbers the lines ("1\thello\n2\t") and may append a <system-reminder> after them.
function quote(result) {
  const output = result.match(/(?:^|\n)Output:\n([\s\S]*)$/);
  if (output) {
    return `The command printed: ${output[1].trim()}`;
  }
  const numbered = result.split('\n').map((l) => l.match(/^\s*\d+\t(.*)$/)).filter(Boolean)
    .map((m) => m[1].trim()).filter((l) => l !== '');
  return `The file says: ${numbered.length > 0 ? numbered.join(' ') : result.trim()}`;
}

// ---- Anthropic Messages ----

function anthropicReply(body, p) {
  const usage = { input_tokens: 12, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const block = p.kind === 'tool'
    ? { type: 'tool_use', id: 'toolu_01FakeUpstreamTool0001', name: p.name, input: JSON.parse(p.args) }
    : { type: 'text', text: p.text };
  const stopReason = p.kind === 'tool' ? 'tool_use' : 'end_turn';
  const message = { model: body.model, id: 'msg_01FakeUpstream000000001', type: 'message', role: 'assistant' };
  if (!body.stream) {
    return { json: { ...message, content: [block], stop_reason: stopReason, stop_sequence: null,
      usage: { ...usage, output_tokens: 20 } } };
  }
  const start = p.kind === 'tool' ? { ...block, input: {} } : { type: 'text', text: '' };
  const delta = p.kind === 'tool'
    ? [{ type: 'input_json_delta', partial_json: '' }, { type: 'input_json_delta', partial_json: p.args }]
    : [{ type: 'text_delta', text: p.text }];
  const events = [
    ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null,
      stop_sequence: null, usage: { ...usage, output_tokens: 1, service_tier: 'standard' } } }],
    ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
    ...delta.map((d) => ['content_block_delta', { type: 'content_block_delta', index: 0, delta: d }]),
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    ['message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { ...usage, output_tokens: 20 } }],
    ['message_stop', { type: 'message_stop' }],
  ];
  return { sse: events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`) };
}

// ---- OpenAI Chat Completions ----

function chatReply(body, p) {
  const head = (object) => ({ id: 'chatcmpl-FakeUpstream0001', object, created: CREATED, model: body.model,
    service_tier: 'default', system_fingerprint: 'fp_fakeupstream' });
  const call = { id: 'call_FakeUpstreamTool0001', type: 'function', function: { name: p.name, arguments: p.args } };
  const finish = p.kind === 'tool' ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 82, completion_tokens: 17, total_tokens: 99,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0 } };
  if (!body.stream) {
    const message = p.kind === 'tool'
      ? { role: 'assistant', content: null, tool_calls: [call], refusal: null, annotations: [] }
      : { role: 'assistant', content: p.text, refusal: null, annotations: [] };
    return { json: { ...head('chat.completion'),
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }], usage } };
  }
  const chunk = (delta, finishReason = null) => ({ ...head('chat.completion.chunk'),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], usage: null });
  const deltas = p.kind === 'tool'
    ? [{ role: 'assistant', content: null, refusal: null,
        tool_calls: [{ index: 0, ...call, function: { name: p.name, arguments: '' } }] },
       { tool_calls: [{ index: 0, function: { arguments: p.args } }] }]
    : [{ role: 'assistant', content: '', refusal: null }, { content: p.text }];
  const chunks = [...deltas.map((d) => chunk(d)), chunk({}, finish)];
  if (body.stream_options?.include_usage) {
    chunks.push({ ...head('chat.completion.chunk'), choices: [], usage });
  }
  return { sse: [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'] };
}

// ---- OpenAI Responses ----

function responsesReply(body, p) {
  const item = p.kind === 'tool'
    ? { id: 'fc_fakeupstream0001', type: 'function_call', status: 'completed', arguments: p.args,
        call_id: 'call_FakeUpstreamTool0001', name: p.name }
    : { id: 'msg_fakeupstream0001', type: 'message', status: 'completed', role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: p.text }] };
  const response = (status, output, usage) => ({ id: 'resp_fakeupstream0001', object: 'response',
    created_at: CREATED, status, background: false, error: null, incomplete_details: null, instructions: null,
    max_output_tokens: null, model: body.model, output, parallel_tool_calls: true, previous_response_id: null,
    reasoning: { effort: null, summary: null }, store: false, temperature: 1,
    text: { format: { type: 'text' }, verbosity: 'medium' }, tool_choice: 'auto', tools: [], top_p: 1,
    truncation: 'disabled', usage, user: null, metadata: {} });
  const usage = { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 2,
    output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 14 };
  if (!body.stream) {
    return { json: response('completed', [item], usage) };
  }
  const ref = { item_id: item.id, output_index: 0 };
  const part = { type: 'output_text', annotations: [], logprobs: [] };
  const middle = p.kind === 'tool'
    ? [{ type: 'response.output_item.added', item: { ...item, status: 'in_progress', arguments: '' }, output_index: 0 },
       { type: 'response.function_call_arguments.delta', delta: p.args, ...ref },
       { type: 'response.function_call_arguments.done', arguments: p.args, ...ref }]
    : [{ type: 'response.output_item.added', item: { ...item, status: 'in_progress', content: [] }, output_index: 0 },
       { type: 'response.content_part.added', content_index: 0, ...ref, part: { ...part, text: '' } },
       { type: 'response.output_text.delta', content_index: 0, delta: p.text, ...ref, logprobs: [] },
       { type: 'response.output_text.done', content_index: 0, ...ref, logprobs: [], text: p.text },
       { type: 'response.content_part.done', content_index: 0, ...ref, part: { ...part, text: p.text } }];
  const events = [
    { type: 'response.created', response: response('in_progress', [], null) },
    { type: 'response.in_progress', response: response('in_progress', [], null) },
    ...middle,
    { type: 'response.output_item.done', item, output_index: 0 },
    { type: 'response.completed', response: response('completed', [item], usage) },
  ];
  return { sse: events.map((e, n) => `event: ${e.type}\ndata: ${JSON.stringify({ ...e, sequence_number: n })}\n\n`) };
}

// ---- the servers ----

const APIS = {
  chat: { path: '/v1/chat/completions', reply: chatReply },
  anthropic: { path: '/v1/messages', reply: anthropicReply },
  responses: { path: '/v1/responses', reply: responsesReply },
};

function log(entry) {
  appendFileSync(logFile, JSON.stringify({ at: new Date().toISOString(), ...entry }) + '\n');
}

/** What is worth knowing when a client or the gateway misbehaves; never the prompt text. */
function summary(api, body) {
  const turns = api === 'responses' ? (Array.isArray(body.input) ? body.input : [])
    .map((i) => i.role ? `${i.type ?? 'message'}:${i.role}` : i.type) : (body.messages ?? []).map((m) => m.role);
  return { model: body.model, stream: body.stream ?? false, max_tokens: body.max_tokens,
    max_completion_tokens: body.max_completion_tokens, max_output_tokens: body.max_output_tokens,
    system_field: body.system !== undefined, instructions: body.instructions !== undefined,
    system_turn_in_messages: turns.includes('system'), turns, tools: toolNames(api, body),
    tool_results: toolResults(api, body).length };
}

function handle(api, request, response) {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    const path = request.url.split('?')[0];
    const entry = { server: api, method: request.method, url: request.url,
      auth: request.headers.authorization ? 'bearer' : request.headers['x-api-key'] ? 'x-api-key' : 'none' };
    if (request.method !== 'POST' || path !== APIS[api].path) {
      log({ ...entry, status: 404 });
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'not_found_error', message: `${api} fake serves only POST ${APIS[api].path}` } }));
      return;
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      log({ ...entry, status: 400, error: String(e) });
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { type: 'invalid_request_error', message: 'body is not JSON' } }));
      return;
    }
    const p = plan(api, body);
    log({ ...entry, status: 200, ...summary(api, body), reply: p.kind === 'tool' ? `tool ${p.name} ${p.args}` : `text ${p.text}` });
    const reply = APIS[api].reply(body, p);
    if (reply.json) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply.json));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    reply.sse.forEach((event) => response.write(event));
    response.end();
  });
}

const ports = {};
await Promise.all(Object.keys(APIS).map((api) => new Promise((resolve) => {
  const server = createServer((req, res) => handle(api, req, res));
  server.listen(0, '127.0.0.1', () => {
    ports[api] = server.address().port;
    resolve();
  });
})));
writeFileSync(portsFile, JSON.stringify(ports));
console.log(`fake upstreams listening: ${JSON.stringify(ports)}`);
