package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TTrackingMetricRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A component's metrics as FATE's /v1/tracking reads them: points sorted by key (numbers before strings) and
 * each metric's meta, from the latest task version that wrote any.
 */
public final class MetricService {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final TrackingQueryStore store;

    public MetricService(TrackingQueryStore store) {
        this.store = store;
    }

    /** One metric's points sorted by key (numbers before strings) and its meta. */
    private record Metric(List<JsonNode[]> points, ObjectNode meta) {
        ArrayNode data() {
            List<JsonNode[]> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.comparing(p -> p[0], MetricService::compareKeys));
            ArrayNode out = F.arrayNode();
            sorted.forEach(p -> out.addArray().add(p[0]).add(p[1]));
            return out;
        }
    }

    private Map<String, Map<String, Metric>> metrics(TrackingRef r, String namespace, String name) {
        Map<String, Map<String, Metric>> out = new TreeMap<>();
        for (TTrackingMetricRecord m : store.latestMetrics(r.where(), namespace, name)) {
            Metric metric = out.computeIfAbsent(m.getFMetricNamespace(), k -> new TreeMap<>())
                    .computeIfAbsent(m.getFMetricName(), k -> new Metric(new ArrayList<>(), F.objectNode()));
            JsonNode value = Json.parse(m.getFValue().data());
            if (m.getFType() == TrackingStore.META) {
                if (value.isObject()) {
                    metric.meta().setAll((ObjectNode) value);
                }
            } else {
                metric.points().add(new JsonNode[] {Json.parse(m.getFKey().data()), value});
            }
        }
        return out;
    }

    static int compareKeys(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return Double.compare(a.asDouble(), b.asDouble());
        }
        if (a.isNumber() != b.isNumber()) {
            return a.isNumber() ? -1 : 1;
        }
        return a.asText().compareTo(b.asText());
    }

    /** {ns: {name: {data: [[k, v]...], meta: {...}}}}; none → retcode 0 "no data" {}. */
    public TrackingAnswer metricAll(TrackingRef r) {
        Map<String, Map<String, Metric>> all = metrics(r, null, null);
        if (all.isEmpty()) {
            return TrackingAnswer.noData(F.objectNode());
        }
        ObjectNode out = F.objectNode();
        all.forEach((ns, names) -> {
            ObjectNode n = out.putObject(ns);
            names.forEach((name, m) -> {
                ObjectNode one = n.putObject(name);
                one.set("data", m.data());
                one.set("meta", m.meta());
            });
        });
        return TrackingAnswer.ok(out);
    }

    /** {ns: [names]}; none → retcode 0 "no data" {}. */
    public TrackingAnswer metricNames(TrackingRef r) {
        Map<String, Map<String, Metric>> all = metrics(r, null, null);
        if (all.isEmpty()) {
            return TrackingAnswer.noData(F.objectNode());
        }
        ObjectNode out = F.objectNode();
        all.forEach((ns, names) -> {
            ArrayNode list = out.putArray(ns);
            names.keySet().forEach(list::add);
        });
        return TrackingAnswer.ok(out);
    }

    /** data [[k, v]...] sorted by key, the metric's meta as the envelope's meta; none → "no data" [] {}. */
    public TrackingAnswer metricData(TrackingRef r, String namespace, String name) {
        List<String> missing = new ArrayList<>();
        if (TrackingRef.blank(namespace)) {
            missing.add("metric_namespace");
        }
        if (TrackingRef.blank(name)) {
            missing.add("metric_name");
        }
        if (!missing.isEmpty()) {
            throw FlowException.argument("required argument are missing: " + String.join(",", missing));
        }
        Metric m = metrics(r, namespace, name).getOrDefault(namespace, Map.of()).get(name);
        if (m == null) {
            return new TrackingAnswer(0, "no data", F.arrayNode(), F.objectNode());
        }
        return TrackingAnswer.ok(m.data(), m.meta());
    }

    /** Deletes a job's metrics (optionally of one component, role, party); returns how many rows went. */
    public int deleteMetrics(String jobId, String component, String role, String partyId) {
        if (TrackingRef.blank(jobId)) {
            throw FlowException.argument("required argument are missing: job_id");
        }
        return store.deleteMetrics(jobId, component, role, partyId);
    }
}
