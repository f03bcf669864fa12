package io.fedflow.cli;

import io.fedflow.proto.v1.DataChunk;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.zip.GZIPInputStream;

/**
 * Downloads a tar.gz stream and extracts it, as FATE's CLI does with {@code tarfile}: the archive is saved
 * next to the target, extracted into it, then removed. Only regular files and directories are extracted,
 * and only inside the target directory.
 */
final class Archives {
    private Archives() {}

    /** Saves {@code chunks} as a temporary .tar.gz in {@code extractDir}'s parent, extracts it, deletes it. */
    static int downloadAndExtract(Iterator<DataChunk> chunks, Path extractDir) throws IOException {
        Path target = extractDir.toAbsolutePath().normalize();
        Files.createDirectories(target.getParent());
        Path archive = Files.createTempFile(target.getParent(), "." + target.getFileName() + ".", ".tar.gz");
        try {
            try (OutputStream out = Files.newOutputStream(archive)) {
                while (chunks.hasNext()) {
                    chunks.next().getContent().writeTo(out);
                }
            }
            try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
                return extract(in, target);
            }
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    /** Extracts a (gunzipped) ustar stream into {@code dir}; returns the number of files written. */
    static int extract(InputStream tar, Path dir) throws IOException {
        DataInputStream in = new DataInputStream(tar);
        Files.createDirectories(dir);
        byte[] header = new byte[512];
        byte[] buf = new byte[1 << 16];
        int files = 0;
        while (true) {
            try {
                in.readFully(header);
            } catch (EOFException e) {
                throw new IOException("the archive is truncated", e);
            }
            if (allZero(header)) {
                return files;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(field(header, 124, 12).trim().isEmpty() ? "0" : field(header, 124, 12).trim(), 8);
            char type = (char) header[156];
            Path out = dir.resolve(name).normalize();
            if (!out.startsWith(dir) || name.startsWith("/")) {
                throw new IOException("the archive holds a path outside its directory: " + name);
            }
            long padded = size + (512 - size % 512) % 512;
            if (type == '0' || type == 0) {
                Files.createDirectories(out.getParent());
                try (OutputStream o = Files.newOutputStream(out)) {
                    long left = size;
                    while (left > 0) {
                        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                        if (n < 0) {
                            throw new IOException("the archive is truncated in " + name);
                        }
                        o.write(buf, 0, n);
                        left -= n;
                    }
                }
                in.skipNBytes(padded - size);
                files++;
            } else {
                if (type == '5') {
                    Files.createDirectories(out);
                }
                in.skipNBytes(padded); // links, pax headers...: not ours to write
            }
        }
    }

    private static boolean allZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }
}
