package io.fedflow.node.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads a tar.gz as Python's {@code tarfile} mode {@code r:gz} would (pax long names included): entry name to
 * content, in order. A cut archive fails in gzip, whose trailer comes last.
 */
public final class TarReader {
    private TarReader() {}

    public static Map<String, byte[]> read(byte[] tarGz) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(tarGz))) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, byte[]> read(InputStream gunzipped) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(gunzipped, StandardCharsets.UTF_8.name());
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
            out.put(e.getName(), tar.readAllBytes());
        }
        // the rest (end blocks, record padding) still goes through gzip, so its trailer is checked
        gunzipped.transferTo(OutputStream.nullOutputStream());
        return out;
    }
}
