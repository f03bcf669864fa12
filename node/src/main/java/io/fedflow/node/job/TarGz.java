package io.fedflow.node.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip'd tar (ustar) as it goes, which FATE's clients open with Python's {@code tarfile} mode
 * {@code r:gz}. Written by hand: the JDK has gzip but no tar, and the format is a few headers. Each entry's
 * size goes in its header, so a file entry is copied with the size it has when it starts (a log still
 * being appended to is cut there).
 */
public final class TarGz implements AutoCloseable {
    private static final int BLOCK = 512;

    private final GZIPOutputStream gz;
    private boolean finished;

    /** Does not close {@code out}: the caller owns it. */
    public TarGz(OutputStream out) throws IOException {
        this.gz = new GZIPOutputStream(out, 1 << 16);
    }

    public void entry(String name, byte[] content, long mtimeSeconds) throws IOException {
        header(name, content.length, mtimeSeconds);
        gz.write(content);
        pad(content.length);
    }

    /** Copies exactly {@code size} bytes of {@code file} (zeros if it shrank meanwhile). */
    public void entry(String name, Path file, long size, long mtimeSeconds) throws IOException {
        header(name, size, mtimeSeconds);
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                gz.write(buf, 0, n);
                left -= n;
            }
        }
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            java.util.Arrays.fill(buf, 0, n, (byte) 0);
            gz.write(buf, 0, n);
            left -= n;
        }
        pad(size);
    }

    public void entry(String name, Path file) throws IOException {
        entry(name, file, Files.size(file), Files.getLastModifiedTime(file).toMillis() / 1000);
    }

    /** Ends the archive (two zero blocks) and the gzip stream; the underlying stream stays open. */
    public void finish() throws IOException {
        if (!finished) {
            finished = true;
            gz.write(new byte[2 * BLOCK]);
            gz.finish();
            gz.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    private void pad(long size) throws IOException {
        int pad = (int) ((BLOCK - size % BLOCK) % BLOCK);
        gz.write(new byte[pad]);
    }

    private void header(String name, long size, long mtimeSeconds) throws IOException {
        byte[] header = new byte[BLOCK];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            // ustar's prefix field holds the directory part of long names
            int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 154));
            if (cut <= 0) {
                throw new IOException("name too long for tar: " + name);
            }
            byte[] prefix = name.substring(0, cut).getBytes(StandardCharsets.UTF_8);
            byte[] rest = name.substring(cut + 1).getBytes(StandardCharsets.UTF_8);
            if (prefix.length > 155 || rest.length > 100) {
                throw new IOException("name too long for tar: " + name);
            }
            System.arraycopy(rest, 0, header, 0, rest.length);
            System.arraycopy(prefix, 0, header, 345, prefix.length);
        } else {
            System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        }
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, size);
        octal(header, 136, 12, mtimeSeconds);
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        header[156] = '0';
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 257, magic.length);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        gz.write(header);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        int digits = length - 1;
        if (s.length() > digits) {
            throw new IllegalArgumentException("value too large for a tar header field: " + value);
        }
        s = "0".repeat(digits - s.length()) + s;
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, digits);
        header[offset + digits] = 0;
    }
}
