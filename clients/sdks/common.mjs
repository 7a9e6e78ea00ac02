// What every SDK check shares: its settings from the environment, the one function tool, and how it
// reports. clients/sdks/inner.sh sets the environment:
//   SB_BASE_URL  Switchboard's root URL (http://127.0.0.1:PORT), without /v1
//   SB_API_KEY   an inference key
//   SB_MODEL     the model id to ask for
//   SB_MODE      the client's switch under test (responses, chat, anthropic; per script)
//   SB_STREAM    "yes" or "no": stream the answers (each script says what its SDK does by default)
// The tool is Read(file_path): the scripts implement it by reading the file, and the fake upstreams
// (clients/fake-upstreams.mjs) call it first and, once its result is in the request, answer
// "The file says: <the file's text>". clients/sdks/inner.sh checks that quote in the answer.
import { readFileSync } from 'node:fs';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`${name} is not set (clients/sdks/inner.sh sets it)`);
    process.exit(2);
  }
  return value;
}

export const settings = {
  baseUrl: required('SB_BASE_URL').replace(/\/+$/, ''),
  apiKey: required('SB_API_KEY'),
  model: required('SB_MODEL'),
  mode: required('SB_MODE'),
  stream: (process.env.SB_STREAM ?? 'yes') === 'yes',
};

export const PROMPT = 'Read hello.txt with the Read tool and tell me what it says.';
export const TOOL_NAME = 'Read';
export const TOOL_DESCRIPTION = 'Reads a text file and returns its content.';
/** The tool's parameters as JSON Schema, for SDKs that take one. */
export const TOOL_PARAMETERS = {
  type: 'object',
  properties: { file_path: { type: 'string', description: 'absolute path of the file' } },
  required: ['file_path'],
  additionalProperties: false,
};

const calls = [];

/** The tool itself; every call is counted and reported. */
export function readTool(filePath) {
  calls.push(filePath);
  const text = readFileSync(filePath, 'utf8');
  console.log(`tool: Read ${JSON.stringify(filePath)} -> ${JSON.stringify(text.trim())}`);
  return text;
}

export function checkMode(allowed) {
  if (!allowed.includes(settings.mode)) {
    console.error(`SB_MODE ${settings.mode} is not one of ${allowed.join(', ')}`);
    process.exit(2);
  }
}

/** Prints the outcome; exits 1 when the tool was not called or there is no answer. */
export function finish(answer, extra = {}) {
  console.log(`answer: ${answer}`);
  console.log(`summary: ${JSON.stringify({ model: settings.model, mode: settings.mode, stream: settings.stream,
    tool_calls: calls.length, ...extra })}`);
  if (calls.length !== 1 || !answer) {
    console.error(`expected one tool call and an answer, got ${calls.length} call(s) and ${JSON.stringify(answer)}`);
    process.exit(1);
  }
}

/** Runs the check; an SDK's error is printed with what it knows about the HTTP exchange. */
export async function main(check) {
  try {
    await check();
  } catch (error) {
    console.error(`error: ${error?.stack ?? error}`);
    for (const key of ['status', 'statusCode', 'url', 'responseBody', 'error', 'cause']) {
      if (error?.[key] !== undefined) {
        console.error(`  ${key}: ${typeof error[key] === 'string' ? error[key] : JSON.stringify(error[key])}`);
      }
    }
    process.exit(1);
  }
}
