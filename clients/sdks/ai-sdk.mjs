// The Vercel AI SDK (`ai` with `@ai-sdk/openai` and `@ai-sdk/anthropic`) through one tool round trip.
//   SB_MODE=responses  createOpenAI({ baseURL: <gateway>/v1 })(model): the provider's default, the Responses API
//   SB_MODE=chat       ....chat(model): Chat Completions
//   SB_MODE=anthropic  createAnthropic({ baseURL: <gateway>/v1 })(model): Anthropic Messages
//   SB_STREAM=yes      streamText (what chat UIs and agents use); no: generateText
// The SDK runs the loop itself: stopWhen stepCountIs(3) lets it send the tool's result back.
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { checkMode, finish, main, PROMPT, readTool, settings, TOOL_DESCRIPTION } from './common.mjs';

checkMode(['responses', 'chat', 'anthropic']);

function model() {
  const baseURL = `${settings.baseUrl}/v1`;
  if (settings.mode === 'anthropic') {
    return createAnthropic({ baseURL, apiKey: settings.apiKey })(settings.model);
  }
  const openai = createOpenAI({ baseURL, apiKey: settings.apiKey });
  return settings.mode === 'chat' ? openai.chat(settings.model) : openai(settings.model);
}

const tools = {
  Read: tool({
    description: TOOL_DESCRIPTION,
    inputSchema: z.object({ file_path: z.string().describe('absolute path of the file') }),
    execute: async ({ file_path }) => readTool(file_path),
  }),
};

await main(async () => {
  const request = { model: model(), tools, prompt: PROMPT, stopWhen: stepCountIs(3), maxRetries: 0 };
  if (!settings.stream) {
    const result = await generateText(request);
    finish(result.text, { steps: result.steps.length, finish_reason: result.finishReason });
    return;
  }
  const result = streamText(request);
  let text = '';
  const parts = {};
  for await (const part of result.fullStream) {
    parts[part.type] = (parts[part.type] ?? 0) + 1;
    if (part.type === 'error') {
      throw part.error;
    }
    if (part.type === 'text-delta') {
      text += part.text;
    }
  }
  // The text of the last step is the answer; `text` holds every step's.
  finish(await result.text, { steps: (await result.steps).length, finish_reason: await result.finishReason,
    all_text: text, stream_parts: parts });
});
