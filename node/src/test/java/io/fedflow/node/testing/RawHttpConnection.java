package io.fedflow.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/1.1 over a plain socket, for what a well-behaved client never does: a body sent in pieces with
 * pauses, a body that never ends, a huge body the server refuses mid-way. The answer is read on its own
 * thread from the moment the connection opens, so it arrives whatever the sending side is doing.
 */
public final class RawHttpConnection implements AutoCloseable {
    /** What the server answered: the status and the body (de-chunked). */
    public record Answer(int status, String body) {
        public JsonNode json() {
            try {
                return FlowHttp.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + body, e);
            }
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final CompletableFuture<Answer> answer = new CompletableFuture<>();

    private RawHttpConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        out = socket.getOutputStream();
        Thread reader = new Thread(() -> {
            try {
                answer.complete(read(socket.getInputStream()));
            } catch (IOException | RuntimeException e) {
                answer.completeExceptionally(e);
            }
        }, "raw-http-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static RawHttpConnection open(int port) {
        try {
            return new RawHttpConnection(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends bytes; false when the server closed the connection (it refused the rest). */
    public boolean send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code total} bytes of filler as the rest of the body in 64 KiB writes, stopping when the server
     * closed the connection; returns how many bytes it sent.
     */
    public long sendFiller(long total, byte fill) {
        byte[] chunk = new byte[1 << 16];
        Arrays.fill(chunk, fill);
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk.length, total - sent);
            if (!send(n == chunk.length ? chunk : Arrays.copyOf(chunk, n))) {
                break;
            }
            sent += n;
        }
        return sent;
    }

    /**
     * As {@link #sendFiller}, framed as {@code Transfer-Encoding: chunked} (a body of unknown length); the
     * final empty chunk is sent when all went out.
     */
    public long sendChunkedFiller(long total, byte fill) {
        byte[] chunk = new byte[1 << 16];
        Arrays.fill(chunk, fill);
        byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] frame = new byte[head.length + chunk.length + 2];
        System.arraycopy(head, 0, frame, 0, head.length);
        System.arraycopy(chunk, 0, frame, head.length, chunk.length);
        frame[frame.length - 2] = '\r';
        frame[frame.length - 1] = '\n';
        long sent = 0;
        while (sent < total) {
            if (!send(frame)) {
                return sent;
            }
            sent += chunk.length;
        }
        send("0\r\n\r\n");
        return sent;
    }

    /** The answer, once the server sent it. */
    public CompletableFuture<Answer> answer() {
        return answer;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed by the server
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("the server closed the connection without an answer");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long length = -1;
        boolean chunked = false;
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(h.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (String size = line(in); size != null; size = line(in)) {
                int n = Integer.parseInt(size.trim().split(";")[0], 16);
                if (n == 0) {
                    break;
                }
                body.write(in.readNBytes(n));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        } else {
            in.transferTo(body);
        }
        return new Answer(status, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
