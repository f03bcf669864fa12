package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A table HeteroLR passes over once per iteration is read from its source once when it fits one chunk. */
class ChunkedRowsHeldTest {
    /** Rows "id0".."id{n-1}", label i % 2, features {i, -i}; counts the scans and yields {@code yielded} rows. */
    record Source(int counted, int yielded, AtomicInteger scans) implements ChunkedRows.PartyRows {
        Source(int n) {
            this(n, n, new AtomicInteger());
        }

        @Override
        public long count() {
            return counted;
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public void scan(ChunkedRows.RowConsumer rows) {
            scans.incrementAndGet();
            try {
                for (int i = 0; i < yielded; i++) {
                    rows.row("id" + i, i % 2, new double[] {i, -i});
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static List<String> pass(ChunkedRows.PartyRows rows) {
        List<String> seen = new ArrayList<>();
        rows.scan((id, label, x) -> seen.add(id + "/" + label + "/" + x[0] + "/" + x[1]));
        return seen;
    }

    @Test
    void aTableOfAtMostTheCapIsScannedOnceAndReplayedTheSame() {
        Source source = new Source(50);
        ChunkedRows.PartyRows held = ChunkedRows.held(source, 50);
        List<String> first = pass(held);
        assertThat(first).hasSize(50).startsWith("id0/0.0/0.0/0.0", "id1/1.0/1.0/-1.0");
        assertThat(pass(held)).isEqualTo(first);
        assertThat(pass(held)).isEqualTo(first);
        assertThat(source.scans()).hasValue(1);
        assertThat(held.count()).isEqualTo(50);
        assertThat(held.width()).isEqualTo(2);
    }

    @Test
    void aLargerTableIsScannedOnEveryPass() {
        Source source = new Source(51);
        ChunkedRows.PartyRows rows = ChunkedRows.held(source, 50);
        pass(rows);
        pass(rows);
        assertThat(source.scans()).hasValue(2);
    }

    @Test
    void aFirstPassThatFailsOrFallsShortKeepsNothing() {
        Source source = new Source(10);
        ChunkedRows.PartyRows held = ChunkedRows.held(source, 10);
        AtomicInteger n = new AtomicInteger();
        assertThatThrownBy(() -> held.scan((id, label, x) -> {
            if (n.incrementAndGet() == 5) {
                throw new IllegalStateException("stop");
            }
        })).hasMessage("stop");
        assertThat(pass(held)).hasSize(10);
        assertThat(pass(held)).hasSize(10);
        assertThat(source.scans()).hasValue(2);

        Source shortSource = new Source(10, 7, new AtomicInteger());
        ChunkedRows.PartyRows heldShort = ChunkedRows.held(shortSource, 10);
        assertThat(pass(heldShort)).hasSize(7);
        assertThat(pass(heldShort)).hasSize(7);
        assertThat(shortSource.scans()).hasValue(2);
    }
}
