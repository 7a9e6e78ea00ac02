// LangChain.js ChatOpenAI (`@langchain/openai`) through one tool round trip, the loop written out as
// LangChain's docs do it: bindTools, invoke, run the tool calls, send ToolMessages, invoke again.
//   SB_MODE=chat       new ChatOpenAI({ model, apiKey, configuration: { baseURL: <gateway>/v1 } })
//   SB_MODE=responses  the same with useResponsesApi: true
//   SB_STREAM=no       invoke (LangChain's default); yes: stream(), the chunks concatenated into the reply.
//                      Not streaming: true with invoke: that counts tokens with tiktoken ranks it downloads
//                      from tiktoken.pages.dev, and offline it retries that download for minutes before answering.
// ChatOpenAI also picks the Responses API by itself for model ids containing "codex" (and a few "-pro").
import { ChatOpenAI } from '@langchain/openai';
import { HumanMessage, ToolMessage } from '@langchain/core/messages';
import { checkMode, finish, main, PROMPT, readTool, settings, TOOL_DESCRIPTION, TOOL_NAME, TOOL_PARAMETERS }
  from './common.mjs';

checkMode(['chat', 'responses']);

await main(async () => {
  const chat = new ChatOpenAI({
    model: settings.model,
    apiKey: settings.apiKey,
    configuration: { baseURL: `${settings.baseUrl}/v1` },
    useResponsesApi: settings.mode === 'responses',
    maxRetries: 0,
  }).bindTools([{ type: 'function',
    function: { name: TOOL_NAME, description: TOOL_DESCRIPTION, parameters: TOOL_PARAMETERS } }]);

  const messages = [new HumanMessage(PROMPT)];
  for (let turn = 0; turn < 3; turn++) {
    const reply = settings.stream ? await streamed(chat, messages) : await chat.invoke(messages);
    messages.push(reply);
    if (!reply.tool_calls?.length) {
      finish(typeof reply.content === 'string' ? reply.content : reply.text,
        { turns: turn + 1, response_id: reply.response_metadata?.id ?? reply.id });
      return;
    }
    for (const call of reply.tool_calls) {
      const output = call.name === TOOL_NAME ? readTool(call.args.file_path) : `unknown tool ${call.name}`;
      messages.push(new ToolMessage({ content: output, tool_call_id: call.id }));
    }
  }
  finish('', { error: 'no final answer after 3 turns' });
});

/** The reply as stream() delivers it: AIMessageChunks, concatenated (tool call chunks included). */
async function streamed(chat, messages) {
  let reply;
  for await (const chunk of await chat.stream(messages)) {
    reply = reply === undefined ? chunk : reply.concat(chunk);
  }
  return reply;
}
