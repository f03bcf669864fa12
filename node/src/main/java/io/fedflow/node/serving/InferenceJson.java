package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * FATE-Serving's JSON, where its proxy answers it: {@code /federation/v1/inference} takes
 * {@code {head: {serviceId}, body: {featureData, sendToRemoteFeatureData}}} and answers
 * {@code {retcode, retmsg, data: {score, label, modelId, modelVersion, timestamp, parties}, flag}};
 * {@code /federation/v1/batchInference} takes {@code body.batchDataList} rows with an index and answers one
 * result per row in {@code batchDataList} (and by index in {@code singleInferenceResultMap}).
 */
public final class InferenceJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final OnlineInference inference;

    public InferenceJson(OnlineInference inference) {
        this.inference = inference;
    }

    public ObjectNode single(JsonNode request) {
        JsonNode body = request.path("body");
        OnlineInference.Answer a = inference.predict(serviceId(request), List.of(row(0, body)));
        ObjectNode out = NODES.objectNode();
        ObjectNode data = NODES.objectNode();
        if (a.rows().isEmpty()) {
            out.put("retcode", a.retcode()).put("retmsg", a.retmsg());
        } else {
            OnlineInference.Scored s = a.rows().get(0);
            out.put("retcode", s.retcode()).put("retmsg", s.retmsg());
            result(data, s);
            data.put("modelId", a.modelId()).put("modelVersion", a.modelVersion()).put("timestamp", a.timestamp());
        }
        out.set("data", data);
        out.put("flag", 0);
        return out;
    }

    public ObjectNode batch(JsonNode request) {
        List<OnlineInference.Row> rows = new ArrayList<>();
        JsonNode list = request.path("body").path("batchDataList");
        for (int i = 0; i < list.size(); i++) {
            JsonNode r = list.get(i);
            rows.add(row(r.path("index").isIntegralNumber() ? r.path("index").asInt() : i, r));
        }
        OnlineInference.Answer a = inference.predict(serviceId(request), rows);
        ObjectNode out = NODES.objectNode();
        out.put("retcode", a.retcode()).put("retmsg", a.retmsg());
        ObjectNode data = out.putObject("data");
        data.put("modelId", a.modelId()).put("modelVersion", a.modelVersion()).put("timestamp", a.timestamp());
        out.put("flag", 0);
        ArrayNode results = out.putArray("batchDataList");
        ObjectNode byIndex = out.putObject("singleInferenceResultMap");
        for (OnlineInference.Scored s : a.rows()) {
            ObjectNode r = results.addObject();
            r.put("index", s.index()).put("retcode", s.retcode()).put("retmsg", s.retmsg());
            result(r.putObject("data"), s);
            byIndex.set(Integer.toString(s.index()), r);
        }
        return out;
    }

    private static void result(ObjectNode data, OnlineInference.Scored s) {
        if (s.retcode() == 0) {
            data.put("score", s.score()).put("prob", s.score()).put("label", s.label());
        }
        ObjectNode parties = data.putObject("parties");
        s.parties().forEach(parties::put);
    }

    private static String serviceId(JsonNode request) {
        JsonNode head = request.path("head");
        String id = head.path("serviceId").asText("");
        return id.isEmpty() ? head.path("service_id").asText("") : id;
    }

    private static OnlineInference.Row row(int index, JsonNode body) {
        Map<String, String> features = new HashMap<>();
        body.path("featureData").fields().forEachRemaining(e -> features.put(e.getKey(), text(e.getValue())));
        return new OnlineInference.Row(index, features, remoteId(body.path("sendToRemoteFeatureData")));
    }

    /** The id the hosts score by: sendToRemoteFeatureData.id, or its only value when it has one. */
    static String remoteId(JsonNode remote) {
        if (remote.hasNonNull("id")) {
            return text(remote.get("id"));
        }
        if (remote.size() == 1) {
            return text(remote.elements().next());
        }
        return null;
    }

    /** A feature as the text DataTransform parses; null when absent. */
    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        return v.isTextual() ? v.textValue() : v.isNumber() ? v.asText() : v.toString();
    }
}
