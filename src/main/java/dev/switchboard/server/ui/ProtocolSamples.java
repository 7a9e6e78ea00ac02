package dev.switchboard.server.ui;

import java.util.List;

/**
 * A model page's "protocols" line: every inbound API serves every model (through translation where the
 * provider speaks another), each shown with a curl call and an official-SDK call for this model on this
 * gateway.
 */
final class ProtocolSamples {
    private ProtocolSamples() {
    }

    /** One inbound API: its name, its path under the base URL, and a sample of each kind. */
    record Protocol(String id, String name, String path, String curl, String sdkLabel, String sdk) {
    }

    /** {@code baseUrl} is the OpenAI-style base ending in {@code /v1}. */
    static List<Protocol> of(String baseUrl, String model) {
        return List.of(chat(baseUrl, model), responses(baseUrl, model), messages(baseUrl, model));
    }

    private static Protocol chat(String baseUrl, String model) {
        String curl = """
                curl %1$s/chat/completions \\
                  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\
                  -H "Content-Type: application/json" \\
                  -d '{"model": "%2$s", "messages": [{"role": "user", "content": "Hello"}]}'
                """.formatted(baseUrl, model);
        String sdk = """
                from openai import OpenAI

                client = OpenAI(base_url="%1$s", api_key="<SWITCHBOARD_KEY>")
                completion = client.chat.completions.create(
                    model="%2$s", messages=[{"role": "user", "content": "Hello"}])
                print(completion.choices[0].message.content)
                """.formatted(baseUrl, model);
        return new Protocol("chat", "OpenAI Chat Completions", "/v1/chat/completions", curl, "Python (openai)", sdk);
    }

    private static Protocol responses(String baseUrl, String model) {
        String curl = """
                curl %1$s/responses \\
                  -H "Authorization: Bearer $SWITCHBOARD_KEY" \\
                  -H "Content-Type: application/json" \\
                  -d '{"model": "%2$s", "input": "Hello"}'
                """.formatted(baseUrl, model);
        String sdk = """
                from openai import OpenAI

                client = OpenAI(base_url="%1$s", api_key="<SWITCHBOARD_KEY>")
                response = client.responses.create(model="%2$s", input="Hello")
                print(response.output_text)
                """.formatted(baseUrl, model);
        return new Protocol("responses", "OpenAI Responses", "/v1/responses", curl, "Python (openai)", sdk);
    }

    /** Anthropic's SDKs add {@code /v1} themselves: their base URL is the server's root. */
    private static Protocol messages(String baseUrl, String model) {
        String root = baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
        String curl = """
                curl %1$s/messages \\
                  -H "x-api-key: $SWITCHBOARD_KEY" \\
                  -H "anthropic-version: 2023-06-01" \\
                  -H "Content-Type: application/json" \\
                  -d '{"model": "%2$s", "max_tokens": 1024, "messages": [{"role": "user", "content": "Hello"}]}'
                """.formatted(baseUrl, model);
        String sdk = """
                import anthropic

                client = anthropic.Anthropic(base_url="%1$s", api_key="<SWITCHBOARD_KEY>")
                message = client.messages.create(
                    model="%2$s", max_tokens=1024, messages=[{"role": "user", "content": "Hello"}])
                print(message.content[0].text)
                """.formatted(root, model);
        return new Protocol("messages", "Anthropic Messages", "/v1/messages", curl, "Python (anthropic)", sdk);
    }
}
