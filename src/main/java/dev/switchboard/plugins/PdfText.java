package dev.switchboard.plugins;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;

import java.io.IOException;

/** The text of a PDF, in reading order, with Apache PDFBox. Blocking and CPU-bound: call it on a worker. */
public final class PdfText {

    private PdfText() {
    }

    /**
     * @throws UnreadablePdf when the bytes are not a PDF PDFBox can open (damaged, or encrypted with a password)
     */
    public static String extract(byte[] pdf) {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            PDFTextStripper stripper = new PDFTextStripper();
            stripper.setSortByPosition(true);
            return stripper.getText(document).strip();
        } catch (IOException e) {
            throw new UnreadablePdf(e.getMessage());
        }
    }

    /** A file that claims to be a PDF but cannot be read as one: the client's fault, a 400. */
    public static final class UnreadablePdf extends RuntimeException {
        UnreadablePdf(String reason) {
            super(reason);
        }
    }
}
