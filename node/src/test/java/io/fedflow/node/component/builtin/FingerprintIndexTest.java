package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FingerprintIndexTest {
    private static List<Integer> matches(FingerprintIndex index, String value) {
        List<Integer> out = new ArrayList<>();
        index.forEachMatch(value, out::add);
        return out;
    }

    @Test
    void eachValueIsFoundAtItsPositionsAndNothingElseMatches() {
        FingerprintIndex index = new FingerprintIndex();
        for (int i = 0; i < 5000; i++) {
            index.add("id-" + i);
        }
        index.add("id-17"); // a repeated value is found at both its positions
        index.seal();

        assertThat(index.size()).isEqualTo(5001);
        for (int i = 0; i < 5000; i += 7) {
            assertThat(matches(index, "id-" + i)).as("id-" + i).containsExactly(i);
        }
        assertThat(matches(index, "id-17")).containsExactlyInAnyOrder(17, 5000);
        assertThat(index.contains("id-5000")).isFalse();
        assertThat(index.contains("")).isFalse();
    }

    @Test
    void valuesSharingTheSortKeysTopBitsAreStillTold() throws Exception {
        // two values whose fingerprints share their top 32 bits (found by a birthday search over ~2^16 tries)
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Map<Integer, String> byTop = new HashMap<>();
        String a = null;
        String b = null;
        for (int i = 0; a == null; i++) {
            String v = "v" + i;
            int top = ByteBuffer.wrap(sha.digest(v.getBytes(StandardCharsets.UTF_8))).getInt();
            String seen = byTop.putIfAbsent(top, v);
            if (seen != null) {
                a = seen;
                b = v;
            }
        }
        FingerprintIndex index = new FingerprintIndex();
        index.add("other");
        index.add(a);
        index.seal();

        assertThat(matches(index, a)).containsExactly(1);
        assertThat(index.contains(b)).isFalse();
    }

    @Test
    void aSealedIndexTakesNoMoreValues() {
        FingerprintIndex index = new FingerprintIndex().seal();
        assertThat(index.contains("x")).isFalse();
        assertThatThrownBy(() -> index.add("x")).isInstanceOf(IllegalStateException.class);
    }
}
