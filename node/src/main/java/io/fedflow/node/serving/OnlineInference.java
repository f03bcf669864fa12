package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.v1.PartialScore;
import io.fedflow.proto.v1.PartialScoresReply;
import io.fedflow.proto.v1.PartialScoresRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Online inference at the guest, as FATE-Serving answers it: the guest's part of the model bound to the service
 * id scores each row's features, each host adds its partial score of the row's id (one site call per host for
 * the whole batch), and the sum goes through the sigmoid to the probability of class 1 and, above the model's
 * threshold, label 1. Each row's failure is answered with FATE-Serving's code (1xxx at the guest, 2xxx at a
 * host) and a message naming the party; the whole request answers within the inference timeout.
 */
public final class OnlineInference {
    /** One row to score: the guest's features by name (as text), and the id the hosts look up (or null). */
    public record Row(int index, Map<String, String> features, String id) {}

    /** A row's result: its code (0 when scored), the score, the label, and each party's code by "role:party". */
    public record Scored(int index, int retcode, String retmsg, double score, int label,
                         Map<String, Integer> parties) {}

    /** The request's result: its own code, the model that scored, and one result per row. */
    public record Answer(int retcode, String retmsg, String modelId, String modelVersion, long timestamp,
                         List<Scored> rows) {}

    private final String localParty;
    private final ServingRegistry registry;
    private final ServingSites sites;
    private final Duration timeout;
    private final int maxRows;

    public OnlineInference(String localParty, ServingRegistry registry, ServingSites sites, Duration timeout,
                           int maxRows) {
        this.localParty = localParty;
        this.registry = registry;
        this.sites = sites;
        this.timeout = timeout;
        this.maxRows = maxRows;
    }

    public Answer predict(String serviceId, List<Row> rows) {
        long started = System.nanoTime();
        if (serviceId == null || serviceId.isBlank()) {
            return refused(ServingCodes.REQUEST_PARAM_ERROR, "head.serviceId is required");
        }
        if (rows.isEmpty()) {
            return refused(ServingCodes.REQUEST_PARAM_ERROR, "no row to score (body.batchDataList is empty)");
        }
        if (rows.size() > maxRows) {
            return refused(ServingCodes.PAYLOAD_ERROR, "a batch of " + rows.size() + " rows is over the cap of "
                    + maxRows + " (--max-batch-inference-rows)");
        }
        ServingRegistry.Served served;
        try {
            served = registry.bound(serviceId).orElse(null);
        } catch (FlowException e) {
            return refused(ServingCodes.MODEL_NOT_FOUND, "the model bound to service id " + serviceId
                    + " cannot be served: " + e.getMessage());
        }
        if (served == null || served.pipeline() == null) {
            return refused(ServingCodes.MODEL_NOT_FOUND, "no model is bound to service id " + serviceId
                    + " at this node: load the model, then bind the service id (/v1/model/load, /v1/model/bind)");
        }
        LoadedPart part = served.part();
        String guestKey = part.role() + ":" + localParty;
        int n = rows.size();
        double[] z = new double[n];
        int[] codes = new int[n];
        String[] messages = new String[n];
        List<Map<String, Integer>> parties = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<String, Integer> p = new LinkedHashMap<>();
            parties.add(p);
            Row row = rows.get(i);
            try {
                z[i] = served.pipeline().linear(served.pipeline().features(row.features()::get, ServingCodes.GUEST));
                p.put(guestKey, 0);
            } catch (FlowException e) {
                fail(i, codes, messages, e.retcode(), "guest " + localParty + ": " + e.getMessage());
                p.put(guestKey, e.retcode());
            }
        }
        for (JsonNode host : part.roles().path("host")) {
            addHost(host.asText(), part, rows, z, codes, messages, parties, started);
        }
        List<Scored> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (codes[i] != 0) {
                out.add(new Scored(rows.get(i).index(), codes[i], messages[i], 0, 0, parties.get(i)));
            } else {
                double score = ScoringPipeline.sigmoid(z[i]);
                out.add(new Scored(rows.get(i).index(), 0, "success", score,
                        score > served.pipeline().threshold() ? 1 : 0, parties.get(i)));
            }
        }
        return new Answer(0, "success", part.modelId(), part.modelVersion(), part.createTime(), out);
    }

    /** Adds one host's partial scores to the rows still scoring; a host that fails fails them. */
    private void addHost(String host, LoadedPart part, List<Row> rows, double[] z, int[] codes, String[] messages,
                         List<Map<String, Integer>> parties, long started) {
        String key = "host:" + host;
        List<Integer> asked = new ArrayList<>();
        PartialScoresRequest.Builder req = PartialScoresRequest.newBuilder().setModelId(part.modelId())
                .setModelVersion(part.modelVersion()).setPartyId(host);
        for (int i = 0; i < rows.size(); i++) {
            if (codes[i] != 0) {
                continue;
            }
            String id = rows.get(i).id();
            if (id == null || id.isEmpty()) {
                fail(i, codes, messages, ServingCodes.GUEST + ServingCodes.REQUEST_PARAM_ERROR,
                        "sendToRemoteFeatureData.id is required: host " + host + " scores the row by it");
                continue;
            }
            asked.add(i);
            req.addIds(id);
        }
        if (asked.isEmpty()) {
            return;
        }
        Duration left = timeout.minusNanos(System.nanoTime() - started);
        PartialScoresReply reply;
        try {
            if (left.isNegative() || left.isZero()) {
                throw ServingCodes.guest(ServingCodes.NETWORK_ERROR, FailureKind.TIMED_OUT, "the inference timeout of "
                        + timeout.toMillis() + " ms passed before host " + host + " was asked");
            }
            reply = sites.partialScores(host, req.build(), left);
        } catch (FlowException e) {
            int code = e.retcode() >= ServingCodes.GUEST ? e.retcode()
                    : ServingCodes.GUEST + ServingCodes.NETWORK_ERROR;
            String why = e.kind() == FailureKind.TIMED_OUT
                    ? "host " + host + " did not answer within the inference timeout of " + timeout.toMillis() + " ms"
                    : "host " + host + " could not be asked: " + e.getMessage();
            asked.forEach(i -> {
                fail(i, codes, messages, code, why);
                parties.get(i).put(key, code);
            });
            return;
        }
        if (reply.getRetcode() != 0 || reply.getScoresCount() != asked.size()) {
            int code = reply.getRetcode() != 0 ? reply.getRetcode() : ServingCodes.HOST + ServingCodes.SYSTEM_ERROR;
            String why = reply.getRetcode() != 0 ? reply.getRetmsg()
                    : "host " + host + " answered " + reply.getScoresCount() + " scores for " + asked.size() + " ids";
            asked.forEach(i -> {
                fail(i, codes, messages, code, why);
                parties.get(i).put(key, code);
            });
            return;
        }
        for (int k = 0; k < asked.size(); k++) {
            int i = asked.get(k);
            PartialScore s = reply.getScores(k);
            parties.get(i).put(key, s.getRetcode());
            if (s.getRetcode() != 0) {
                fail(i, codes, messages, s.getRetcode(), s.getRetmsg());
            } else {
                z[i] += s.getScore();
            }
        }
    }

    private static void fail(int i, int[] codes, String[] messages, int code, String message) {
        codes[i] = code;
        messages[i] = message;
    }

    private static Answer refused(int code, String message) {
        return new Answer(ServingCodes.GUEST + code, message, "", "", 0, List.of());
    }
}
