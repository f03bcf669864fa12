package io.fedflow.node.job;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A directory as a gzip'd tar (ustar), which FATE's clients open with Python's {@code tarfile} mode
 * {@code r:gz}. Written by hand: the JDK has gzip but no tar, and the format is a few headers.
 */
public final class JobLogArchive {
    private JobLogArchive() {}

    /** Writes {@code dir}'s files under a top folder named like {@code dir}. */
    public static void write(Path dir, OutputStream out) throws IOException {
        GZIPOutputStream gz = new GZIPOutputStream(out, 1 << 16);
        if (Files.isDirectory(dir)) {
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                String name = dir.getFileName() + "/" + dir.relativize(f).toString().replace('\\', '/');
                entry(gz, name, Files.readAllBytes(f), Files.getLastModifiedTime(f).toMillis() / 1000);
            }
        }
        gz.write(new byte[1024]); // two zero blocks end the archive
        gz.finish();
    }

    /** Writes one tar entry: a 512-byte ustar header, the content, padding to 512. */
    public static void entry(OutputStream out, String name, byte[] content, long mtimeSeconds) throws IOException {
        byte[] header = new byte[512];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            // ustar prefix field holds the directory part of long names
            int cut = name.lastIndexOf('/', Math.min(name.length() - 1, 154));
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
        octal(header, 124, 12, content.length);
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
        out.write(header);
        out.write(content);
        int pad = (512 - content.length % 512) % 512;
        out.write(new byte[pad]);
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        int digits = length - 1;
        while (s.length() < digits) {
            s = "0" + s;
        }
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, digits);
        header[offset + digits] = 0;
    }
}
