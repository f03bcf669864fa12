package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;

class PrefetchingInputStreamTest {

    @Test
    void readsEveryChunkInOrder() throws IOException {
        StreamMessage<HttpData> src = StreamMessage.of(HttpData.ofUtf8("ab"), HttpData.empty(),
                HttpData.ofUtf8("cdé"), HttpData.ofUtf8("f"));
        try (InputStream in = new PrefetchingInputStream(src, 1)) {
            assertThat(in.read()).isEqualTo('a');
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bcdéf");
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
        }
    }

    @Test
    void aFailedStreamThrowsInsteadOfEnding() throws IOException {
        StreamWriter<HttpData> w = StreamMessage.streaming();
        w.write(HttpData.ofUtf8("id,x\n1,2\n"));
        w.close(new IllegalStateException("client went away"));
        try (InputStream in = new PrefetchingInputStream(w, 4)) {
            assertThat(in.readNBytes(9)).isEqualTo("id,x\n1,2\n".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessageContaining("client went away");
            assertThatThrownBy(in::read).isInstanceOf(IOException.class); // and stays failed
        }
    }

    @Test
    void requestsAWindowAheadAndOneMorePerChunkRead() throws Exception {
        AtomicLong requested = new AtomicLong();
        AtomicBoolean cancelled = new AtomicBoolean();
        Publisher<HttpData> endless = s -> s.onSubscribe(new Subscription() {
            @Override
            public void request(long n) {
                requested.addAndGet(n);
                for (long i = 0; i < n; i++) {
                    s.onNext(HttpData.ofUtf8("xy"));
                }
            }

            @Override
            public void cancel() {
                cancelled.set(true);
            }
        });
        InputStream in = new PrefetchingInputStream(StreamMessage.of(endless), 8);
        waitFor(() -> requested.get() == 8);
        assertThat(in.readNBytes(2)).hasSize(2);
        waitFor(() -> requested.get() == 9);
        in.close();
        waitFor(cancelled::get);
        assertThatThrownBy(in::read).isInstanceOf(IOException.class);
    }

    @Test
    void closingBeforeTheEndCancelsTheSource() throws Exception {
        StreamWriter<HttpData> w = StreamMessage.streaming();
        w.write(HttpData.ofUtf8("abc"));
        InputStream in = new PrefetchingInputStream(w, 2);
        assertThat(in.read()).isEqualTo('a');
        in.close();
        w.whenComplete().handle((v, t) -> null).get(10, TimeUnit.SECONDS);
        assertThat(w.isOpen()).isFalse();
    }

    private static void waitFor(BooleanSupplier condition) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(condition::getAsBoolean);
    }
}
