package io.fedflow.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.UnsafeByteOperations;
import io.fedflow.node.testing.RandomText;
import io.fedflow.proto.v1.FlowResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Data printed once ({@link FateJson#printData}, job/query's answer) prints the same bytes as the envelope's
 * trip through protobuf's Value did: keys sorted at every level, numbers through a double, integral ones
 * without a fraction, non-ASCII escaped; and so does a stored document printed once by {@link PrintedJsonCache}.
 */
class FateJsonPrintedDataTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Property(tries = 300)
    void printedDataIsTheValuePrinting(@ForAll long seed) throws Exception {
        JsonNode tree = tree(new SplittableRandom(seed), 0);
        byte[] viaValue = FateJson.MAPPER.writeValueAsBytes(FateJson.toJava(FateJson.toValue(tree)));
        assertThat(new String(FateJson.printData(tree), StandardCharsets.UTF_8))
                .isEqualTo(new String(viaValue, StandardCharsets.UTF_8));
    }

    @Property(tries = 100)
    void anEnvelopeWithPrintedDataIsTheEnvelopeWithItsValue(@ForAll long seed) {
        JsonNode tree = tree(new SplittableRandom(seed), 0);
        FlowResponse printed = Responses.printed("success", tree);
        FlowResponse valued = Responses.ok("success", tree, null);
        assertThat(new String(FateJson.envelopeBytes(printed), StandardCharsets.UTF_8))
                .isEqualTo(new String(FateJson.envelopeBytes(valued), StandardCharsets.UTF_8));
    }

    @Property(tries = 200)
    void aStoredDocumentPrintedOnceAndKeptPrintsAsItsTree(@ForAll long seed) throws Exception {
        String stored = FateJson.MAPPER.writeValueAsString(tree(new SplittableRandom(seed), 0));
        PrintedJsonCache cache = new PrintedJsonCache(1 << 20);
        for (int poll = 0; poll < 2; poll++) { // printed, then kept
            ObjectNode expected = F.objectNode().put("b", 1).set("a", FateJson.MAPPER.readTree(stored));
            expected.putArray("c").add(FateJson.MAPPER.readTree(stored)).add(2);
            ObjectNode spliced = F.objectNode().put("b", 1).set("a", cache.printable(stored));
            spliced.putArray("c").add(cache.printable(stored)).add(2);
            assertThat(new String(FateJson.printData(spliced), StandardCharsets.UTF_8))
                    .isEqualTo(new String(FateJson.printData(expected), StandardCharsets.UTF_8));
        }
    }

    @Test
    void numbersPrintAsTheirDoubleAndStringsInAscii() {
        ArrayNode a = F.arrayNode().add(3).add(3.0).add(2.5).add(new BigDecimal("1.10"))
                .add(new BigInteger("12345678901234567890")).add(9007199254740993L).add("é\u2028\"\u0001");
        assertThat(new String(FateJson.printData(a), StandardCharsets.US_ASCII))
                .isEqualTo("[3,3,2.5,1.1,1.2345678901234567E19,9.007199254740992E15,"
                        + "\"\\u00E9\\u2028\\\"\\u0001\"]");
        ObjectNode o = F.objectNode();
        o.put("b", 1).putNull("a").putObject("c").put("z", true).put("y", false);
        assertThat(new String(FateJson.printData(o), StandardCharsets.US_ASCII))
                .isEqualTo("{\"a\":null,\"b\":1,\"c\":{\"y\":false,\"z\":true}}");
    }

    @Test
    void anEnvelopePrintsItsPrintedDataAsItIs() {
        FlowResponse r = FlowResponse.newBuilder().setRetcode(0).setRetmsg("success").setJobId("j1")
                .setDataJson(UnsafeByteOperations.unsafeWrap("[{\"f_job_id\":\"j1\"}]".getBytes(
                        StandardCharsets.US_ASCII))).build();
        assertThat(new String(FateJson.envelopeBytes(r), StandardCharsets.US_ASCII))
                .isEqualTo("{\"data\":[{\"f_job_id\":\"j1\"}],\"jobId\":\"j1\",\"retcode\":0,\"retmsg\":\"success\"}");
    }

    private static JsonNode tree(SplittableRandom r, int depth) {
        int kind = depth >= 4 ? r.nextInt(6) : r.nextInt(8);
        switch (kind) {
            case 0:
                return F.nullNode();
            case 1:
                return F.booleanNode(r.nextBoolean());
            case 2:
                return switch (r.nextInt(5)) {
                    case 0 -> F.numberNode(r.nextInt());
                    case 1 -> F.numberNode(r.nextLong());
                    case 2 -> F.numberNode(r.nextDouble() * Math.pow(10, r.nextInt(-5, 25)));
                    case 3 -> F.numberNode(new BigDecimal(BigInteger.valueOf(r.nextLong()), r.nextInt(-3, 6)));
                    default -> F.numberNode(new BigInteger(80, new Random(r.nextLong())));
                };
            case 3:
            case 4:
            case 5:
                return F.textNode(text(r));
            case 6: {
                ArrayNode a = F.arrayNode();
                for (int i = r.nextInt(5); i > 0; i--) {
                    a.add(tree(r, depth + 1));
                }
                return a;
            }
            default: {
                ObjectNode o = F.objectNode();
                for (int i = r.nextInt(6); i > 0; i--) {
                    o.set(text(r), tree(r, depth + 1));
                }
                return o;
            }
        }
    }

    private static String text(SplittableRandom r) {
        return RandomText.of(r, "abcXYZ_019 f_é中\u0000\u0007\"\\/\u2028\uD83D\uDE00", 8);
    }
}
