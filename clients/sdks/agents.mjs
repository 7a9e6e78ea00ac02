// The OpenAI Agents SDK (`@openai/agents`) through one tool round trip: an Agent with one function
// tool, run by the SDK's own loop.
//   SB_MODE=responses  setDefaultOpenAIClient(new OpenAI({ baseURL: <gateway>/v1 })), model by name:
//                      the SDK's default model class, OpenAIResponsesModel (the Responses API)
//   SB_MODE=chat       model: new OpenAIChatCompletionsModel(client, model) (Chat Completions)
//   SB_STREAM=no       run(agent, input) (the SDK's default); yes: run(..., { stream: true })
// Tracing is off: its exporter would post to api.openai.com.
import OpenAI from 'openai';
import { Agent, OpenAIChatCompletionsModel, run, setDefaultOpenAIClient, setTracingDisabled, tool }
  from '@openai/agents';
import { z } from 'zod';
import { checkMode, finish, main, PROMPT, readTool, settings, TOOL_DESCRIPTION, TOOL_NAME } from './common.mjs';

checkMode(['responses', 'chat']);
setTracingDisabled(true);

await main(async () => {
  const client = new OpenAI({ baseURL: `${settings.baseUrl}/v1`, apiKey: settings.apiKey, maxRetries: 0 });
  setDefaultOpenAIClient(client);
  const agent = new Agent({
    name: 'Switchboard check',
    instructions: 'Answer with what the tool returns.',
    model: settings.mode === 'chat' ? new OpenAIChatCompletionsModel(client, settings.model) : settings.model,
    tools: [tool({
      name: TOOL_NAME,
      description: TOOL_DESCRIPTION,
      parameters: z.object({ file_path: z.string().describe('absolute path of the file') }),
      execute: async ({ file_path }) => readTool(file_path),
    })],
  });
  if (!settings.stream) {
    const result = await run(agent, PROMPT, { maxTurns: 3 });
    finish(result.finalOutput, { items: result.newItems.map((i) => i.type) });
    return;
  }
  const result = await run(agent, PROMPT, { maxTurns: 3, stream: true });
  let streamed = '';
  for await (const chunk of result.toTextStream()) {
    streamed += chunk;
  }
  await result.completed;
  if (result.error) {
    throw result.error;
  }
  finish(result.finalOutput, { items: result.newItems.map((i) => i.type), streamed_text: streamed });
});
