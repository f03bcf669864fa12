package io.fedflow.node.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** Reads a tar.gz as Python's {@code tarfile} mode {@code r:gz} would: entry name to content, in order. */
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
        DataInputStream in = new DataInputStream(gunzipped);
        byte[] header = new byte[512];
        while (true) {
            try {
                in.readFully(header);
            } catch (EOFException e) {
                throw new IOException("the archive ends without its two zero blocks", e);
            }
            if (isZero(header)) {
                return out;
            }
            long sum = 0;
            for (int i = 0; i < 512; i++) {
                sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
            }
            if (sum != octal(header, 148, 8)) {
                throw new IOException("bad header checksum");
            }
            String name = text(header, 0, 100);
            String prefix = text(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12);
            byte[] content = new byte[(int) size];
            in.readFully(content);
            in.readFully(new byte[(int) ((512 - size % 512) % 512)]);
            out.put(name, content);
        }
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String text(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) {
        String s = text(b, off, len).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }
}
