package io.fedflow.node.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.core.FlowException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A request body is read strictly as UTF-8: ASCII (checked without a decoder) and any valid UTF-8 are read,
 * a malformed byte is refused naming its offset, wherever it sits.
 */
class FateJsonBodyTest {
    @Test
    void asciiAndUtf8BodiesAreRead() {
        assertThat(FateJson.parseObjectBody("{\"job_id\": \"j1\"}".getBytes(StandardCharsets.US_ASCII))
                .get("job_id").textValue()).isEqualTo("j1");
        assertThat(FateJson.parseObjectBody("{\"d\": \"é中\uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8))
                .get("d").textValue()).isEqualTo("é中\uD83D\uDE00");
        assertThat(FateJson.parseObjectBody(new byte[0])).isEmpty();
    }

    @Test
    void aMalformedByteIsRefusedAtItsOffset() {
        byte[] afterAscii = "{\"job_id\": \"j1\"}".getBytes(StandardCharsets.US_ASCII);
        afterAscii[12] = (byte) 0xFF;
        assertThatThrownBy(() -> FateJson.parseObjectBody(afterAscii)).isInstanceOf(FlowException.class)
                .hasMessage("request body is not valid UTF-8 at byte 12");
        byte[] afterUtf8 = "{\"d\": \"é\"}".getBytes(StandardCharsets.UTF_8);
        afterUtf8[9] = (byte) 0xC3; // after the é, a lead byte followed by "}", not a continuation
        assertThatThrownBy(() -> FateJson.parseObjectBody(afterUtf8)).isInstanceOf(FlowException.class)
                .hasMessage("request body is not valid UTF-8 at byte 9");
    }
}
