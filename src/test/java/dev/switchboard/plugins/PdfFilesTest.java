package dev.switchboard.plugins;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.InvalidRequestException;
import dev.switchboard.protocol.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PdfFilesTest {

    private static ArrayNode messageWithFile(String filename, String fileData) {
        ArrayNode messages = Json.MAPPER.createArrayNode();
        ArrayNode content = messages.addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "text").put("text", "Summarize this:");
        ObjectNode file = content.addObject().put("type", "file").putObject("file");
        file.put("filename", filename).put("file_data", fileData);
        return messages;
    }

    @Test
    void extractsTheTextOfEveryPage() {
        assertThat(PdfText.extract(TestPdfs.withPages("Quarterly revenue grew 12 percent", "Page two says hello")))
                .contains("Quarterly revenue grew 12 percent").contains("Page two says hello");
    }

    @Test
    void replacesAnInlinePdfPartWithItsText() {
        ArrayNode messages = messageWithFile("report.pdf", TestPdfs.dataUrl(TestPdfs.withPages("The secret word is pelican")));
        assertThat(PdfFiles.parsePdfs(messages)).isEqualTo(1);
        ArrayNode content = (ArrayNode) messages.get(0).get("content");
        assertThat(content.get(0).get("text").asText()).isEqualTo("Summarize this:");
        assertThat(content.get(1).get("type").asText()).isEqualTo("text");
        assertThat(content.get(1).get("text").asText()).startsWith("<file name=\"report.pdf\">")
                .contains("The secret word is pelican");
    }

    @Test
    void leavesFilesByUrlAndOtherTypesAlone() {
        ArrayNode messages = messageWithFile("remote.pdf", "https://example.com/remote.pdf");
        assertThat(PdfFiles.parsePdfs(messages)).isZero();
        assertThat(messages.get(0).get("content").get(1).get("type").asText()).isEqualTo("file");
    }

    @Test
    void aBodyWithoutAnInlinePdfIsRecognisedWithoutParsing() {
        assertThat(PdfFiles.mayHoldPdf("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(PdfFiles.mayHoldPdf(("{\"file_data\":\"" + TestPdfs.dataUrl(new byte[] {1}) + "\"}")
                .getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void anUnreadablePdfIsTheClientsErrorNamingThePart() {
        ArrayNode notPdf = messageWithFile("x.pdf", TestPdfs.dataUrl("just text".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> PdfFiles.parsePdfs(notPdf)).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.param()).isEqualTo("messages[0].content[1].file.file_data"));
        ArrayNode badBase64 = messageWithFile("x.pdf", "data:application/pdf;base64,%%%");
        assertThatThrownBy(() -> PdfFiles.parsePdfs(badBase64)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not valid base64");
    }
}
