package io.fedflow.node.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.node.testing.RandomText;
import io.fedflow.proto.v1.ListJobsRequest;
import io.fedflow.proto.v1.QueryJobRequest;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * A request whose fields are all plain strings, integers and booleans (what clients poll with) is set field
 * by field instead of going through protobuf's JSON parser: the message is the one that parser makes of the
 * same body, and a body with anything else (a Value, a Struct) still goes through it.
 */
class FateJsonPlainFieldsTest {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Property(tries = 300)
    void aPlainQueryIsTheMessageProtobufParses(@ForAll long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        ObjectNode body = F.objectNode();
        if (r.nextBoolean()) {
            body.put(r.nextBoolean() ? "job_id" : "jobId", text(r));
        }
        for (String list : new String[] {"role", "party_id", "status", "tag"}) {
            if (r.nextBoolean()) {
                ArrayNode a = body.putArray(list);
                for (int i = r.nextInt(4); i > 0; i--) {
                    a.add(text(r));
                }
            }
        }
        if (r.nextBoolean()) {
            body.put("description", text(r));
        }
        if (r.nextBoolean()) {
            body.put("reverse", r.nextBoolean());
        }
        if (r.nextBoolean()) {
            body.put("verbose", 1); // a client-only key: ignored either way
        }
        assertThat(merged(body, QueryJobRequest.newBuilder())).isEqualTo(parsed(body, QueryJobRequest.newBuilder()));
    }

    @Property(tries = 100)
    void plainIntegersAreTheMessageProtobufParses(@ForAll int limit, @ForAll int page) throws Exception {
        ObjectNode body = F.objectNode().put("limit", limit).put("page", page).put("party_id", "9999");
        body.putArray("status").add("success").add("failed");
        assertThat(merged(body, ListJobsRequest.newBuilder())).isEqualTo(parsed(body, ListJobsRequest.newBuilder()));
    }

    @Test
    void aBodyWithAValueStillGoesThroughTheParser() throws Exception {
        ObjectNode body = F.objectNode().put("job_id", "j1").put("is_initiator", true);
        body.putObject("create_time").put("gte", 1).put("lte", 2);
        QueryJobRequest q = (QueryJobRequest) merged(body, QueryJobRequest.newBuilder());
        assertThat(q).isEqualTo(parsed(body, QueryJobRequest.newBuilder()));
        assertThat(q.getIsInitiator().getBoolValue()).isTrue();
        assertThat(q.getCreateTime().getStructValue().getFieldsOrThrow("lte").getNumberValue()).isEqualTo(2);
    }

    @Test
    void coercedValuesAreSetAsTheParserSetsThem() {
        // FATE's clients send party ids as numbers, lists as "a,b", flags as 0/1
        ObjectNode body = F.objectNode().put("job_id", "j1").put("party_id", 10000).put("role", "guest, host")
                .put("reverse", 1).put("limit", "20");
        QueryJobRequest q = (QueryJobRequest) merged(body, QueryJobRequest.newBuilder());
        assertThat(q).isEqualTo(QueryJobRequest.newBuilder().setJobId("j1").addPartyId("10000").addRole("guest")
                .addRole("host").setReverse(true).build());
        assertThat(((ListJobsRequest) merged(body, ListJobsRequest.newBuilder())).getLimit()).isEqualTo(20);
    }

    private static Message merged(ObjectNode body, Message.Builder builder) {
        FateJson.merge(body.toString().getBytes(StandardCharsets.UTF_8), builder);
        return builder.build();
    }

    private static Message parsed(ObjectNode body, Message.Builder builder) throws Exception {
        ObjectNode known = body.deepCopy();
        known.remove("verbose");
        JsonFormat.parser().merge(known.toString(), builder);
        return builder.build();
    }

    private static String text(SplittableRandom r) {
        return RandomText.of(r, "abcXYZ_019 f_é中\"\\/\uD83D\uDE00", 10);
    }
}
