package io.fedflow.node.component.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.component.ComponentContext.MetricPoint;
import io.fedflow.node.component.TableInput;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IntersectionTest {
    /** A party's Intersection task over a table whose rows are {@code id -> "<id>.1,<id>.2"}. */
    private static InMemoryContext party(InMemoryFederation fed, String role, String partyId, List<String> ids,
                                         Map<String, Object> params) {
        return party(fed, role, partyId,
                ids.stream().map(id -> new String[] {id, id + ".1," + id + ".2"}).toArray(String[][]::new), params);
    }

    /** A party's Intersection task over these rows ({id, "x0,x1"}). */
    private static InMemoryContext party(InMemoryFederation fed, String role, String partyId, String[][] rows,
                                         Map<String, Object> params) {
        InMemoryContext root = new InMemoryContext("reader_0", "Reader");
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

    /**
     * FATE's tables hold one row per id and its intersect_num counts ids: a repeated id is kept once, at its
     * first row, at whichever party repeats it, so that both parties' outputs and counts agree.
     */
    @ParameterizedTest
    @CsvSource({"raw, guest", "raw, host", "rsa, guest"})
    void aRepeatedIdIsKeptAndCountedOnceAtItsFirstRow(String method, String joinRole) throws Exception {
        InMemoryFederation fed = twoParties();
        Map<String, Object> params = Map.of("intersect_method", method, "join_role", joinRole);
        InMemoryContext guest = party(fed, "guest", "9999", new String[][] {{"u0", "0,0"}, {"u1", "1,first"},
                {"u2", "2,0"}, {"u1", "1,second"}, {"u3", "3,0"}}, params);
        InMemoryContext host = party(fed, "host", "10000", new String[][] {{"u2", "2,first"}, {"u1", "1,0"},
                {"u2", "2,second"}, {"u2", "2,third"}, {"u5", "5,0"}}, params);
        runAll(guest, host);

        assertThat(outputRows(guest)).containsExactly(List.of("u1", "1,first"), List.of("u2", "2,0"));
        assertThat(outputRows(host)).containsExactly(List.of("u2", "2,first"), List.of("u1", "1,0"));
        for (InMemoryContext party : List.of(guest, host)) {
            assertThat(party.summary.path("intersect_num").asInt()).isEqualTo(2);
            assertThat(party.metric("train", "intersection")).contains(new MetricPoint("intersect_count", 2.0));
        }
        // the rate is over the input's rows, repeats included
        assertThat(guest.summary.path("intersect_rate").asDouble()).isEqualTo(2.0 / 5);
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

    /** {@code from..to} in an order of its own (fixed seed): the parties' tables differ in order too. */
    private static List<String> shuffled(String prefix, int from, int to, long seed) {
        List<String> ids = new ArrayList<>(ids(prefix, from, to));
        Collections.shuffle(ids, new Random(seed));
        return ids;
    }

    /** What a party's output must be: its rows whose id is at every other party, in its table's order. */
    private static List<List<String>> expected(List<String> own, List<List<String>> others) {
        List<Set<String>> sets = others.stream().map(o -> (Set<String>) new HashSet<>(o)).toList();
        return own.stream().filter(id -> sets.stream().allMatch(set -> set.contains(id)))
                .map(id -> List.of(id, id + ".1," + id + ".2")).toList();
    }

    private static List<List<String>> outputRows(InMemoryContext ctx) {
        return ctx.rows(ctx.outputs.get("data")).stream().map(List::of).toList();
    }

    /** What a party's run left that the job and its downstream components see. */
    private record Outcome(List<List<String>> rows, JsonNode summary, List<MetricPoint> metric) {
        static Outcome of(InMemoryContext ctx) {
            return ctx.outputs.isEmpty() ? new Outcome(null, ctx.summary, ctx.metric("train", "intersection"))
                    : new Outcome(outputRows(ctx), ctx.summary, ctx.metric("train", "intersection"));
        }
    }

    /** The guest's and the hosts' outcomes of one run over fixed tables, with ids in chunks of {@code chunk}. */
    private static List<Outcome> runInChunks(int chunk, Map<String, Object> params, InMemoryFederation fed,
                                             Map<String, List<String>> idsByParty) throws Exception {
        List<InMemoryContext> parties = new ArrayList<>();
        idsByParty.forEach((party, ids) -> {
            InMemoryContext c = party(fed, party.equals("9999") ? "guest" : "host", party, ids, params);
            c.intersectChunkIds = chunk;
            parties.add(c);
        });
        runAll(parties.toArray(InMemoryContext[]::new));
        return parties.stream().map(Outcome::of).toList();
    }

    /** The count that heads every message (a chunk's values): none may exceed the cap. */
    private static void assertNoMessageOver(InMemoryFederation fed, String role, String party, int cap,
                                            String chunkedTag) {
        List<InMemoryFederation.Received> got = fed.receivedBy(role, party);
        assertThat(got).allSatisfy(m -> assertThat(ByteBuffer.wrap(m.payload()).getInt()).isLessThanOrEqualTo(cap));
        assertThat(got).extracting(InMemoryFederation.Received::tag).contains(chunkedTag + ".3");
    }

    @ParameterizedTest(name = "{0} sync={1} join_role={2}")
    @CsvSource({"raw, true, guest", "raw, false, guest", "raw, true, host", "raw, false, host",
            "rsa, true, guest", "rsa, false, guest"})
    void aTableOfManyChunksGivesTheSameTablesCountsAndMetricsAsOneChunk(String method, boolean sync, String joinRole)
            throws Exception {
        Map<String, Object> params = Map.of("intersect_method", method, "sync_intersect_ids", sync,
                "join_role", joinRole, "with_encode", true, "encode_params", Map.of("encode_method", "sha256"));
        Map<String, List<String>> ids = new LinkedHashMap<>();
        ids.put("9999", shuffled("u", 0, 80, 1));
        ids.put("10000", shuffled("u", 30, 130, 2));
        ids.put("10001", shuffled("u", 20, 75, 3));
        Map<String, List<String>> roles = Map.of("guest", List.of("9999"), "host", List.of("10000", "10001"));

        InMemoryFederation chunked = new InMemoryFederation(roles);
        List<Outcome> inChunks = runInChunks(7, params, chunked, ids);
        List<Outcome> inOne = runInChunks(100_000, params, new InMemoryFederation(roles), ids);

        assertThat(inChunks).isEqualTo(inOne);
        // each party keeps its rows whose id is at the parties it joined with, in its own table's order; a host
        // joining (raw, join_role host) joins with the guest only, everyone else ends with what all three share
        List<String> parties = List.copyOf(ids.keySet());
        boolean hostsJoin = method.equals("raw") && joinRole.equals("host");
        for (int k = 0; k < parties.size(); k++) {
            List<String> own = ids.get(parties.get(k));
            List<List<String>> others = new ArrayList<>(ids.values());
            others.remove(own);
            if (k > 0 && hostsJoin) {
                others = List.of(ids.get("9999"));
            }
            boolean told = sync || (k == 0 ? !hostsJoin : hostsJoin);
            Outcome o = inChunks.get(k);
            if (told) {
                List<List<String>> rows = expected(own, others);
                assertThat(rows).hasSizeGreaterThan(40);
                assertThat(o.rows()).as(parties.get(k)).isEqualTo(rows);
                double rate = (double) rows.size() / own.size();
                assertThat(o.summary().path("intersect_num").asInt()).isEqualTo(rows.size());
                assertThat(o.summary().path("intersect_rate").asDouble()).isEqualTo(rate);
                assertThat(o.metric()).containsExactly(new MetricPoint("intersect_count", rows.size()),
                        new MetricPoint("intersect_rate", rate));
            } else {
                assertThat(o.rows()).as(parties.get(k)).isNull();
                assertThat(o.metric()).isEmpty();
            }
        }
        // every message holds at most a chunk's ids, and the ids went as runs of several chunks
        if (method.equals("rsa")) {
            assertNoMessageOver(chunked, "guest", "9999", 7, RsaIntersection.HOST_IDS);
            assertNoMessageOver(chunked, "host", "10000", 7, RsaIntersection.GUEST_BLINDED);
        } else {
            String joiner = hostsJoin ? "host" : "guest";
            String sender = hostsJoin ? "guest" : "host";
            assertNoMessageOver(chunked, joiner, hostsJoin ? "10000" : "9999", 7, RawIntersection.IDS);
            if (sync) {
                assertNoMessageOver(chunked, sender, hostsJoin ? "9999" : "10000", 7, RawIntersection.INTERSECT_IDS);
            } else {
                assertThat(chunked.receivedBy(sender, hostsJoin ? "9999" : "10000")).isEmpty();
            }
        }
    }

    @Test
    void parametersAreFatesIntersectParam() {
        assertThat(Intersection.DEFINITION.params()).containsKeys("intersect_method", "sync_intersect_ids",
                "join_role", "only_output_key", "rsa_params", "encode_params", "with_encode", "random_bit");
    }
}
