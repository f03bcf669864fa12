package io.fedflow.node.wire;

import java.io.IOException;
import java.io.OutputStream;

/** Buffers bytes into fixed-size chunks and hands each full chunk to {@link #emit}, which may block. */
public abstract class ChunkingOutputStream extends OutputStream {
    private final byte[] buf;
    private int n;

    protected ChunkingOutputStream(int chunkSize) {
        this.buf = new byte[chunkSize];
    }

    /** Sends {@code length} bytes of {@code chunk}; the array is reused once this returns. */
    protected abstract void emit(byte[] chunk, int length) throws IOException;

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            flush();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) {
                flush();
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    @Override
    public void flush() throws IOException {
        if (n > 0) {
            emit(buf, n);
            n = 0;
        }
    }

    @Override
    public void close() throws IOException {
        flush();
    }
}
