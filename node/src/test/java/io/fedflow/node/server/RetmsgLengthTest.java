package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.Limits;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.wire.Retmsgs;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.JobRef;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retmsg never repeats a huge input whole: past --max-retmsg-length it keeps its head (what failed) and
 * its tail, and says how much it left out, over JSON and in gRPC status messages.
 */
class RetmsgLengthTest {
    static final String HUGE = "a".repeat(1_000_000);
    static final int CAP = 300;
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();
    @RegisterExtension
    static final NodeExtension capped = NodeExtension.builder()
            .configure(b -> b.limits(Limits.builder().maxRetmsgLength(CAP).build())).build();

    static void assertShortened(String retmsg, int cap, String head, String tail) {
        assertThat(retmsg.length()).as(retmsg.length() + " characters").isLessThanOrEqualTo(cap);
        assertThat(retmsg).startsWith(head).endsWith(tail).contains("characters left out");
    }

    @Test
    void aMegabyteJobIdIsNotEchoedWhole() {
        FlowHttp http = new FlowHttp(node.httpPort());
        int cap = Limits.defaults().maxRetmsgLength();
        JsonNode config = http.post("/v1/job/config", Map.of("job_id", HUGE));
        assertThat(config.get("retcode").asInt()).isEqualTo(101);
        assertShortened(config.get("retmsg").asText(), cap, "find job failed: no job aaa", "aaa");
        JsonNode bind = http.post("/v1/table/bind", Map.of("engine", HUGE, "namespace", "n", "name", "t"));
        assertThat(bind.get("retcode").asInt()).isEqualTo(101);
        assertShortened(bind.get("retmsg").asText(), cap, "engine aaa", "is not supported; use POSTGRES or MYSQL");
        JsonNode stop = http.post("/v1/job/stop", Map.of("job_id", HUGE));
        assertThat(stop.get("retcode").asInt()).isNotZero();
        assertThat(stop.get("retmsg").asText().length()).isLessThanOrEqualTo(cap);
    }

    @Test
    void theCapIsTheNodesFlagOverJsonAndGrpc() {
        FlowHttp http = new FlowHttp(capped.httpPort());
        JsonNode config = http.post("/v1/job/config", Map.of("job_id", HUGE));
        assertShortened(config.get("retmsg").asText(), CAP, "find job failed: no job aaa", "aaa");
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", capped.httpPort()).usePlaintext()
                .build();
        try {
            assertThatThrownBy(() -> JobServiceGrpc.newBlockingStub(channel).jobConfig(
                    JobRef.newBuilder().setJobId(HUGE).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                        assertShortened(e.getStatus().getDescription(), CAP, "find job failed: no job aaa", "aaa");
                    });
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void shorteningKeepsHeadAndTailAndNeverSplitsACharacter() {
        String msg = "field x: " + "\uD83D\uDE00".repeat(1000) + " (logged on the node as abc123)";
        String s = Retmsgs.shorten(msg, Limits.MIN_RETMSG_LENGTH);
        assertThat(s.length()).isLessThanOrEqualTo(Limits.MIN_RETMSG_LENGTH);
        assertThat(s).startsWith("field x: ").endsWith("(logged on the node as abc123)");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertThat(Character.isLowSurrogate(s.charAt(i + 1))).as("at " + i).isTrue();
            } else if (Character.isLowSurrogate(c)) {
                assertThat(Character.isHighSurrogate(s.charAt(i - 1))).as("at " + i).isTrue();
            }
        }
        assertThat(Retmsgs.shorten("short", Limits.MIN_RETMSG_LENGTH)).isEqualTo("short");
    }
}
