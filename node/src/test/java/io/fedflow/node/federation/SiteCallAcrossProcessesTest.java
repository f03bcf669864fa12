package io.fedflow.node.federation;

import static io.fedflow.node.testing.SignedCalls.assertRefused;
import static io.fedflow.node.testing.SignedCalls.call;
import static io.fedflow.node.testing.SignedCalls.open;
import static io.fedflow.node.testing.SignedCalls.ping;
import static io.fedflow.node.testing.SignedCalls.sign;
import static org.assertj.core.api.Assertions.assertThat;

import io.fedflow.auth.site.SiteHeaders;
import io.fedflow.auth.site.SiteKeys;
import io.fedflow.node.Node;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.TestNodes;
import io.fedflow.proto.v1.PingRequest;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two node processes of one site (party 10000) over one database, as behind a load balancer: a signed call
 * one of them served is refused as a replay by the other, whichever served it first, even though the first
 * process checked its nonces in memory until the second one started.
 */
class SiteCallAcrossProcessesTest {
    @RegisterExtension
    static final NodeExtension first = NodeExtension.builder().partyId("10000").build();
    static SiteKeys callerKeys;
    static Node second;
    static ManagedChannel toFirst;
    static ManagedChannel toSecond;
    static PingRequest early = ping("served before the second process started");
    static SiteHeaders earlySigned;

    @BeforeAll
    static void start() throws Exception {
        callerKeys = SiteKeys.loadOrCreate(Files.createTempDirectory("fedflow-caller-keys"));
        first.node().peers().put(new Peer("7777", "127.0.0.1", 1, callerKeys.publicKeyBase64(), false));
        toFirst = open(first.sitePort());
        // served by the first process alone: its nonce is checked in memory
        earlySigned = sign(callerKeys, "7777", "10000", Clock.systemUTC(), early);
        assertThat(call(toFirst, earlySigned, early).getPartyId()).isEqualTo("10000");

        second = TestNodes.start(NodeConfig.builder("10000", Files.createTempDirectory("fedflow-node-10000-b-"))
                .dbUrl(first.config().dbUrl()).dbUser(first.config().dbUser()).build());
        second.peers().put(new Peer("7777", "127.0.0.1", 1, callerKeys.publicKeyBase64(), false));
        toSecond = open(second.sitePort());
    }

    @AfterAll
    static void stop() throws Exception {
        toFirst.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        toSecond.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        second.close();
    }

    @Test
    void aCallServedByTheFirstProcessAloneIsRefusedByTheSecond() {
        assertRefused(() -> call(toSecond, earlySigned, early), "replay");
        assertRefused(() -> call(toFirst, earlySigned, early), "replay");
    }

    @Test
    void aCallServedByEitherProcessIsRefusedByTheOther() {
        PingRequest r = ping("to the second");
        SiteHeaders signed = sign(callerKeys, "7777", "10000", Clock.systemUTC(), r);
        assertThat(call(toSecond, signed, r).getPayload().toStringUtf8()).isEqualTo("to the second");
        assertRefused(() -> call(toFirst, signed, r), "replay");
        assertRefused(() -> call(toSecond, signed, r), "replay");

        PingRequest r2 = ping("to the first");
        SiteHeaders signed2 = sign(callerKeys, "7777", "10000", Clock.systemUTC(), r2);
        assertThat(call(toFirst, signed2, r2).getPayload().toStringUtf8()).isEqualTo("to the first");
        assertRefused(() -> call(toSecond, signed2, r2), "replay");
    }
}
