package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 512 MiB upload streams through the node: the test JVM (node included) runs with a heap smaller than the file
 * (surefire's -Xmx384m, checked below), so a node holding the upload whole could not take it, and the heap left
 * live after collections is read after each collection while it loads. A larger file proves nothing more and
 * took a minute of the suite (1 GiB: 70 s of a 13 min run).
 */
class LargeUploadTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    static final long SIZE = Long.getLong("fedflow.largeUploadBytes", 512L << 20);

    /** Generates "id,x0..x9" rows on the fly until {@code size} bytes, so no file needs the disk twice. */
    static final class GeneratedCsv extends InputStream {
        private final long size;
        private long produced;
        private long row;
        private byte[] line = "id,x0,x1,x2,x3,x4,x5,x6,x7,x8,x9\n".getBytes(StandardCharsets.US_ASCII);
        private int pos;
        long rows;

        GeneratedCsv(long size) {
            this.size = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            // Fill the whole buffer: a client sending one short line per read makes tiny HTTP chunks.
            int total = 0;
            while (total < len) {
                if (pos == line.length) {
                    if (produced >= size) {
                        break;
                    }
                    row++;
                    rows = row;
                    StringBuilder sb = new StringBuilder(96).append(row);
                    for (int i = 0; i < 10; i++) {
                        sb.append(',').append((row * 31 + i * 7) % 1000 / 10.0);
                    }
                    line = sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
                    pos = 0;
                }
                int n = Math.min(len - total, line.length - pos);
                System.arraycopy(line, pos, b, off + total, n);
                pos += n;
                produced += n;
                total += n;
            }
            return total == 0 ? -1 : total;
        }
    }

    @Test
    void oneGigabyteUploadStreamsWithFlatMemory() throws Exception {
        // The rows land in PostgreSQL (table, index, WAL): about 3x the upload on disk.
        long free = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir")))
                .getUsableSpace();
        Assumptions.assumeTrue(free > 4 * SIZE,
                "needs " + 4 * SIZE / (1 << 20) + " MiB free in the temp directory, has " + free / (1 << 20));
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertThat(maxHeap).as("run with a heap smaller than the upload").isLessThan(SIZE);
        // What the test JVM holds before the upload (other test classes' nodes share it): the upload's
        // cost is what is live beyond that.
        System.gc();
        long before = liveHeapAfterLastCollection();
        long[] maxLive = {0};
        // After each collection: what the heap pools kept, the live heap.
        NotificationListener afterGc = (notification, handback) -> {
            synchronized (maxLive) {
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                        maxLive[0] = Math.max(maxLive[0], pool.getCollectionUsage().getUsed());
                    }
                }
            }
        };
        List<NotificationEmitter> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(NotificationEmitter.class::isInstance).map(NotificationEmitter.class::cast).toList();
        collectors.forEach(c -> c.addNotificationListener(afterGc, null, null));
        try {
            String boundary = "0123456789abcdef0123456789abcdef";
            GeneratedCsv csv = new GeneratedCsv(SIZE);
            InputStream body = new SequenceInputStream(Collections.enumeration(List.of(
                    new ByteArrayInputStream(("--" + boundary + "\r\nContent-Disposition: form-data; "
                            + "name=\"file\"; filename=\"big.csv\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII)),
                    csv,
                    new ByteArrayInputStream(("\r\n--" + boundary + "--\r\n")
                            .getBytes(StandardCharsets.US_ASCII)))));
            String conf = FlowHttp.requestsQuote("{\"head\": 1, \"partition\": 8, \"namespace\": \"big\", "
                    + "\"table_name\": \"t\", \"id_delimiter\": \",\"}");
            FlowHttp http = node.http();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/v1/data/upload?" + conf))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new BufferedInputStream(body, 1 << 16))).build());
            JsonNode json = FlowHttp.JSON.readTree(r.body());
            assertThat(json.get("retcode").asInt()).as(r.body()).isZero();
            JsonNode info = http.post("/v1/table/table_info", Map.of("namespace", "big", "table_name", "t"));
            assertThat(info.at("/data/count").asLong()).isEqualTo(csv.rows);
            // What survives collections stays small next to the file: nothing holds it whole.
            synchronized (maxLive) {
                assertThat(maxLive[0] - before).isLessThan(SIZE / 8);
            }
            http.post("/v1/table/delete", Map.of("namespace", "big", "table_name", "t"));
        } finally {
            for (NotificationEmitter c : collectors) {
                c.removeNotificationListener(afterGc);
            }
        }
    }

    /** As the listener reads it: the largest heap pool's usage after the last collection. */
    private static long liveHeapAfterLastCollection() {
        long live = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                live = Math.max(live, pool.getCollectionUsage().getUsed());
            }
        }
        return live;
    }
}
