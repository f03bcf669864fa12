package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class IntersectionTest {
    /** A party's Intersection task over a table whose rows are {@code id -> "<id>.1,<id>.2"}. */
    private static InMemoryContext party(InMemoryFederation fed, String role, String partyId, List<String> ids,
                                         Map<String, Object> params) {
        InMemoryContext root = new InMemoryContext("reader_0", "Reader");
        String[][] rows = ids.stream().map(id -> new String[] {id, id + ".1," + id + ".2"}).toArray(String[][]::new);
        TableInput t = root.table("experiment", role + partyId, "id", "x0,x1", ",", rows);
        InMemoryContext ctx = root.next("intersection_0", "Intersection").input("data", t);
        ctx.role = role;
        ctx.partyId = partyId;
        ctx.federation = fed.channel(role, partyId);
        params.forEach(ctx::param);
        return ctx;
    }

    /** Runs the parties' tasks at once, as a job does; rethrows the first failure. */
    private static void runAll(InMemoryContext... parties) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parties.length);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (InMemoryContext c : parties) {
                runs.add(pool.submit(() -> {
                    new Intersection().run(c);
                    return null;
                }));
            }
            for (Future<?> f : runs) {
                try {
                    f.get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw (Exception) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<String> ids(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> keys(InMemoryContext ctx) {
        return ctx.rows(ctx.outputs.get("data")).stream().map(r -> r[0]).toList();
    }

    private static InMemoryFederation twoParties() {
        return new InMemoryFederation(Map.of("guest", List.of("9999"), "host", List.of("10000")));
    }

    @Test
    void rawJoinsAtTheGuestAndSyncsTheIntersectionToTheHost() throws Exception {
        InMemoryFederation fed = twoParties();
        InMemoryContext guest = party(fed, "guest", "9999", ids("u", 0, 10), Map.of());
        InMemoryContext host = party(fed, "host", "10000", ids("u", 4, 20), Map.of("intersect_method", "raw"));
        runAll(guest, host);

        List<String> shared = ids("u", 4, 10);
        assertThat(keys(guest)).containsExactlyElementsOf(shared);
        assertThat(keys(host)).containsExactlyElementsOf(shared);
        // values and schema are the input's, so downstream components read the table as before
        assertThat(guest.rows(guest.outputs.get("data")).get(0)).containsExactly("u4", "u4.1,u4.2");
        assertThat(host.outputs.get("data").schema().path("header").asText()).isEqualTo("x0,x1");
        assertThat(guest.metric("train", "intersection")).containsExactly(
                new MetricPoint("intersect_count", 6.0), new MetricPoint("intersect_rate", 0.6));
        assertThat(guest.meta("train", "intersection").metricType()).isEqualTo("INTERSECTION");
        assertThat(host.summary.path("intersect_num").asInt()).isEqualTo(6);
        assertThat(host.summary.path("intersect_rate").asDouble()).isEqualTo(6.0 / 16);
        // raw is not private: the guest saw every host id
        assertThat(new String(fed.receivedBy("guest", "9999").get(0).payload(), StandardCharsets.UTF_8))
                .contains("u19");
    }

    @Test
    void rawWithJoinRoleHostAndHashedIdsSendsNoPlainId() throws Exception {
        InMemoryFederation fed = twoParties();
        Map<String, Object> params = Map.of("join_role", "host", "with_encode", true,
                "encode_params", Map.of("encode_method", "sha256", "salt", "s"), "only_output_key", true);
        InMemoryContext guest = party(fed, "guest", "9999", ids("u", 0, 10), params);
        InMemoryContext host = party(fed, "host", "10000", ids("u", 5, 12), params);
        runAll(guest, host);

        assertThat(keys(guest)).containsExactlyElementsOf(ids("u", 5, 10));
        assertThat(keys(host)).containsExactlyInAnyOrderElementsOf(ids("u", 5, 10));
        assertThat(guest.rows(guest.outputs.get("data")).get(0)).containsExactly("u5", "");
        assertThat(fed.receivedBy("host", "10000")).allSatisfy(m ->
                assertThat(new String(m.payload(), StandardCharsets.UTF_8)).doesNotContain("u1"));
    }

    @Test
    void rsaFindsTheIntersectionAndTheHostReceivesNoGuestIdOutsideIt() throws Exception {
        InMemoryFederation fed = twoParties();
        List<String> guestIds = new ArrayList<>(ids("guest-only-", 0, 40));
        guestIds.addAll(ids("shared-", 0, 25));
        List<String> hostIds = new ArrayList<>(ids("shared-", 0, 25));
        hostIds.addAll(ids("host-only-", 0, 30));
        Map<String, Object> params = Map.of("intersect_method", "rsa");
        InMemoryContext guest = party(fed, "guest", "9999", guestIds, params);
        InMemoryContext host = party(fed, "host", "10000", hostIds, params);
        runAll(guest, host);

        assertThat(keys(guest)).containsExactlyElementsOf(ids("shared-", 0, 25));
        assertThat(keys(host)).containsExactlyElementsOf(ids("shared-", 0, 25));
        assertThat(guest.summary.path("intersect_num").asInt()).isEqualTo(25);
        assertThat(host.metric("train", "intersection").get(0)).isEqualTo(new MetricPoint("intersect_count", 25.0));

        // one message per phase: the blinded ids, then the intersection
        List<InMemoryFederation.Received> atHost = fed.receivedBy("host", "10000");
        assertThat(atHost).extracting(InMemoryFederation.Received::tag)
                .containsExactly(RsaIntersection.GUEST_BLINDED, RsaIntersection.INTERSECT_IDS);
        // nothing the host got holds a guest id, plain or hashed (the blinded values are uniform)
        IdDigest sha256 = new IdDigest("sha256", "");
        for (InMemoryFederation.Received m : atHost) {
            String text = new String(m.payload(), StandardCharsets.ISO_8859_1);
            String hex = HexFormat.of().formatHex(m.payload());
            for (String id : guestIds) {
                assertThat(text).doesNotContain(id);
                assertThat(hex).doesNotContain(sha256.hex(id));
            }
        }
        // the intersection message has exactly one value per shared id (its count comes first)
        assertThat(atHost.get(1).payload()).startsWith(0, 0, 0, 25);
    }

    @Test
    void rsaWithTwoHostsKeepsWhatAllThreeShare() throws Exception {
        InMemoryFederation fed = new InMemoryFederation(Map.of("guest", List.of("9999"),
                "host", List.of("10000", "10001"), "arbiter", List.of("10002")));
        Map<String, Object> params = Map.of("intersect_method", "rsa",
                "rsa_params", Map.of("hash_method", "sha512", "final_hash_method", "sm3", "salt", "x"));
        InMemoryContext guest = party(fed, "guest", "9999", ids("u", 0, 30), params);
        InMemoryContext h1 = party(fed, "host", "10000", ids("u", 10, 40), params);
        InMemoryContext h2 = party(fed, "host", "10001", ids("u", 0, 20), params);
        runAll(guest, h1, h2);

        assertThat(keys(guest)).containsExactlyElementsOf(ids("u", 10, 20));
        assertThat(keys(h1)).containsExactlyElementsOf(ids("u", 10, 20));
        assertThat(keys(h2)).containsExactlyElementsOf(ids("u", 10, 20));
    }

    @Test
    void withoutSyncOnlyTheGuestLearnsTheIntersection() throws Exception {
        InMemoryFederation fed = twoParties();
        Map<String, Object> params = Map.of("intersect_method", "rsa", "sync_intersect_ids", false);
        InMemoryContext guest = party(fed, "guest", "9999", ids("u", 0, 10), params);
        InMemoryContext host = party(fed, "host", "10000", ids("u", 5, 15), params);
        runAll(guest, host);

        assertThat(keys(guest)).hasSize(5);
        assertThat(host.outputs).isEmpty();
        assertThat(fed.receivedBy("host", "10000")).extracting(InMemoryFederation.Received::tag)
                .containsExactly(RsaIntersection.GUEST_BLINDED);
    }

    @Test
    void theGuestRefusesAHostKeyWhoseExponentWouldUndoTheBlinding() {
        InMemoryFederation fed = twoParties();
        BigInteger n = BigInteger.ONE.shiftLeft(1024).subtract(BigInteger.valueOf(159)); // 1024 bits, odd
        new PeerMessages(fed.channel("host", "10000"), () -> { })
                .sendNumbers(RsaIntersection.PUBLIC_KEY, "guest", "9999", List.of(n, n.subtract(BigInteger.TWO)));
        FlowException e = catchThrowableOfType(FlowException.class, () -> new Intersection().run(
                party(fed, "guest", "9999", ids("u", 0, 3), Map.of("intersect_method", "rsa"))));
        assertThat(e.retCode()).isEqualTo(RetCode.FEDERATED_ERROR);
        assertThat(e.getMessage()).contains("host 10000", "unfit for blinding");
        assertThat(fed.receivedBy("host", "10000")).isEmpty();
    }

    @Test
    void unknownMethodsAndShortKeysAreRefusedNamingTheParameter() {
        InMemoryFederation fed = twoParties();
        FlowException dh = catchThrowableOfType(FlowException.class, () -> new Intersection().run(
                party(fed, "guest", "9999", ids("u", 0, 3), Map.of("intersect_method", "dh"))));
        assertThat(dh.retCode()).isEqualTo(RetCode.ARGUMENT_ERROR);
        assertThat(dh.getMessage()).contains("intersection_0", "intersect_method", "'dh'");
        FlowException shortKey = catchThrowableOfType(FlowException.class, () -> new Intersection().run(
                party(fed, "host", "10000", ids("u", 0, 3), Map.of("intersect_method", "rsa",
                        "rsa_params", Map.of("key_length", 512)))));
        assertThat(shortKey.getMessage()).contains("key_length", "1024");
    }

    @Test
    void parametersAreFatesIntersectParam() {
        assertThat(Intersection.DEFINITION.params()).containsKeys("intersect_method", "sync_intersect_ids",
                "join_role", "only_output_key", "rsa_params", "encode_params", "with_encode", "random_bit");
    }
}
