package io.fedflow.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * job/query's stored documents are printed once per distinct text and kept within their cap: past it the
 * cache starts over, a document over a quarter of it is printed every time, and 0 keeps nothing; what is
 * printed is the same either way.
 */
class PrintedJsonCacheTest {
    private static final String DSL = "{\"components\": {\"reader_0\": {\"module\": \"Reader\"}}, \"b\": [1, 2.5]}";
    private static final String PRINTED = "{\"b\":[1,2.5],\"components\":{\"reader_0\":{\"module\":\"Reader\"}}}";

    @Test
    void aDocumentIsPrintedOnceAndKept() {
        PrintedJsonCache cache = new PrintedJsonCache(1000);
        assertThat(print(cache, DSL)).isEqualTo(PRINTED);
        assertThat(print(cache, new String(DSL))).isEqualTo(PRINTED); // the same text as another string
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.chars()).isEqualTo(DSL.length() + PRINTED.length());
    }

    @Test
    void pastItsCapTheCacheStartsOver() {
        PrintedJsonCache cache = new PrintedJsonCache(200);
        long most = 0;
        for (int i = 0; i < 50; i++) {
            String doc = "{\"k\": " + i + ", \"a\": \"" + "x".repeat(i % 7) + "\"}";
            assertThat(print(cache, doc)).isEqualTo("{\"a\":\"" + "x".repeat(i % 7) + "\",\"k\":" + i + "}");
            most = Math.max(most, cache.chars());
        }
        assertThat(most).isLessThanOrEqualTo(200).isGreaterThan(100);
        assertThat(cache.size()).isBetween(1, 10);
    }

    @Test
    void aDocumentOverAQuarterOfTheCapIsPrintedEachTimeNotKept() {
        PrintedJsonCache cache = new PrintedJsonCache(4L * (DSL.length() + PRINTED.length()) - 1);
        assertThat(print(cache, DSL)).isEqualTo(PRINTED);
        assertThat(print(cache, DSL)).isEqualTo(PRINTED);
        assertThat(cache.size()).isZero();
        assertThat(cache.chars()).isZero();
    }

    @Test
    void zeroKeepsNothing() {
        PrintedJsonCache cache = new PrintedJsonCache(0);
        assertThat(print(cache, DSL)).isEqualTo(PRINTED);
        assertThat(print(cache, "{}")).isEqualTo("{}");
        assertThat(cache.size()).isZero();
    }

    /** The document as a field of a printed row, the field's print returned. */
    private static String print(PrintedJsonCache cache, String stored) {
        ObjectNode row = JsonNodeFactory.instance.objectNode().set("f", cache.printable(stored));
        String printed = new String(FateJson.printData(row), StandardCharsets.US_ASCII);
        assertThat(printed).startsWith("{\"f\":").endsWith("}");
        return printed.substring(5, printed.length() - 1);
    }
}
