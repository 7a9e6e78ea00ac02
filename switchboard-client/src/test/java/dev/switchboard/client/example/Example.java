package dev.switchboard.client.example;

import dev.switchboard.client.ChatChunk;
import dev.switchboard.client.ChatOptions;
import dev.switchboard.client.ChatResult;
import dev.switchboard.client.Message;
import dev.switchboard.client.NotFoundException;
import dev.switchboard.client.SwitchboardClient;

import java.io.PrintStream;
import java.util.List;
import java.util.stream.Stream;

/**
 * The README's example, runnable against a local gateway ({@code ./switchboard serve}):
 * {@code ./mvnw -q -f switchboard-client/pom.xml test-compile exec:java} (model: {@code -Dexec.args=openai/gpt-4.1}).
 * It lives in its own package, so it uses only the client's public API.
 */
public final class Example {
    private Example() {
    }

    public static void main(String[] args) {
        // the key from SWITCHBOARD_API_KEY; the gateway at http://127.0.0.1:8080/api/v1 unless SWITCHBOARD_URL says otherwise
        String baseUrl = System.getenv().getOrDefault("SWITCHBOARD_URL", SwitchboardClient.DEFAULT_BASE_URL);
        try (SwitchboardClient client = SwitchboardClient.builder().baseUrl(baseUrl).build()) {
            demo(client, args.length > 0 ? args[0] : "switchboard/echo", System.out);
        }
    }

    public static void demo(SwitchboardClient client, String model, PrintStream out) {
        // one question, one answer
        out.println(client.run(model, "Hello, Switchboard!"));

        // a conversation with options; usage and cost come with the answer
        ChatResult result = client.chat(model,
                List.of(Message.system("Answer in one sentence."), Message.user("What does an LLM gateway do?")),
                ChatOptions.builder().maxTokens(100).temperature(0.2).build());
        out.println(result.content());
        out.printf("%s via %s: %d tokens, $%s (%s)%n", result.model(), result.provider(),
                result.usage().totalTokens(), result.usage().cost().toPlainString(), result.id());

        // streaming: text as it comes, the usage on the last chunk; closing the stream closes the connection
        try (Stream<ChatChunk> chunks = client.stream(model, List.of(Message.user("Stream this back to me.")))) {
            chunks.forEach(chunk -> {
                out.print(chunk.content());
                chunk.usage().ifPresent(usage -> out.printf("%n[streamed: $%s]%n", usage.cost().toPlainString()));
            });
        }

        // failures are typed exceptions
        try {
            client.run("nobody/no-such-model", "Hi");
        } catch (NotFoundException e) {
            out.println(e.status() + " " + e.type() + ": " + e.getMessage());
        }
    }
}
