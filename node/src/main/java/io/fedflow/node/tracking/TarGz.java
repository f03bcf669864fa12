package io.fedflow.node.tracking;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes a gzip'd tar as it goes, which FATE's clients open with Python's {@code tarfile} mode {@code r:gz}.
 * Names longer than ustar's 100 bytes, and sizes past its 8 GiB, go in POSIX (pax) extended headers, which
 * {@code tarfile} reads. Each entry's size goes in its header, so a file entry is copied with the size it has
 * when it starts (a log still being appended to is cut there).
 */
public final class TarGz implements AutoCloseable {
    /** Permission bits only, as GNU tar writes them. */
    private static final int MODE = 0644;

    private final GZIPOutputStream gz;
    private final TarArchiveOutputStream tar;
    private boolean finished;

    /** Does not close {@code out}: the caller owns it. */
    public TarGz(OutputStream out) throws IOException {
        this.gz = new GZIPOutputStream(out, 1 << 16);
        // names as UTF-8 whatever the JVM's default charset, as tarfile decodes them on Linux
        this.tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    public void entry(String name, byte[] content, long mtimeSeconds) throws IOException {
        tar.putArchiveEntry(fileEntry(name, content.length, mtimeSeconds));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    /** Copies exactly {@code size} bytes of {@code file} (zeros if it shrank meanwhile). */
    public void entry(String name, Path file, long size, long mtimeSeconds) throws IOException {
        tar.putArchiveEntry(fileEntry(name, size, mtimeSeconds));
        byte[] buf = new byte[1 << 16];
        long left = size;
        try (InputStream in = Files.newInputStream(file)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    break;
                }
                tar.write(buf, 0, n);
                left -= n;
            }
        }
        Arrays.fill(buf, (byte) 0);
        while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            tar.write(buf, 0, n);
            left -= n;
        }
        tar.closeArchiveEntry();
    }

    public void entry(String name, Path file) throws IOException {
        entry(name, file, Files.size(file), Files.getLastModifiedTime(file).toMillis() / 1000);
    }

    /** Ends the archive and the gzip stream; the underlying stream stays open. */
    public void finish() throws IOException {
        if (!finished) {
            finished = true;
            tar.finish();
            gz.finish();
            gz.flush();
        }
    }

    @Override
    public void close() throws IOException {
        finish();
    }

    private static TarArchiveEntry fileEntry(String name, long size, long mtimeSeconds) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(size);
        e.setMode(MODE);
        e.setModTime(mtimeSeconds * 1000);
        // the entry would otherwise carry the node's OS account name
        e.setUserName("");
        e.setGroupName("");
        return e;
    }
}
