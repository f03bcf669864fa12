package io.fedflow.node.tracking;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_MODEL;
import static io.fedflow.node.store.generated.Tables.T_COMPONENT_SUMMARY;
import static io.fedflow.node.store.generated.Tables.T_OUTPUT_DATA_INFO;
import static io.fedflow.node.store.generated.Tables.T_TRACKING_METRIC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.job.JobStore;
import java.time.Clock;
import java.util.List;
import org.jooq.DSLContext;

/**
 * Writes what tasks produce: metric points and metas, models, summaries, output table records.
 *
 * <p>Metric rows: {@code f_type} 1 is a data point ({@code f_key} the point's key as JSON, {@code f_value}
 * its value); {@code f_type} 0 is the metric's meta ({@code f_key} "meta", {@code f_value}
 * {@code {"name", "metric_type", ...extra}}), one per namespace and name, replaced when set again.
 */
public final class TrackingStore {
    public static final int META = 0;
    public static final int DATA = 1;

    private final DSLContext dsl;
    private final Clock clock;

    public TrackingStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Identifies the task that produced something. */
    public record TaskKey(String jobId, String componentName, String taskId, long taskVersion, String role,
                          String partyId) {}

    public void logMetricData(TaskKey t, String namespace, String name, List<Object[]> keyValues) {
        long now = clock.millis();
        var insert = dsl.insertInto(T_TRACKING_METRIC, T_TRACKING_METRIC.F_JOB_ID, T_TRACKING_METRIC.F_COMPONENT_NAME,
                T_TRACKING_METRIC.F_TASK_ID, T_TRACKING_METRIC.F_TASK_VERSION, T_TRACKING_METRIC.F_ROLE,
                T_TRACKING_METRIC.F_PARTY_ID, T_TRACKING_METRIC.F_METRIC_NAMESPACE, T_TRACKING_METRIC.F_METRIC_NAME,
                T_TRACKING_METRIC.F_TYPE, T_TRACKING_METRIC.F_KEY, T_TRACKING_METRIC.F_VALUE,
                T_TRACKING_METRIC.F_CREATE_TIME);
        for (Object[] kv : keyValues) {
            insert = insert.values(t.jobId(), t.componentName(), t.taskId(), t.taskVersion(), t.role(), t.partyId(),
                    namespace, name, DATA, JobStore.jsonb(json(kv[0])), JobStore.jsonb(json(kv[1])), now);
        }
        if (!keyValues.isEmpty()) {
            insert.execute();
        }
    }

    public void setMetricMeta(TaskKey t, String namespace, String name, String metricType, JsonNode extra) {
        ObjectNode meta = JsonNodeFactory.instance.objectNode();
        meta.put("name", name);
        meta.put("metric_type", metricType);
        if (extra != null && extra.isObject()) {
            meta.setAll((ObjectNode) extra);
        }
        dsl.transaction(tx -> {
            DSLContext d = tx.dsl();
            d.deleteFrom(T_TRACKING_METRIC).where(T_TRACKING_METRIC.F_JOB_ID.eq(t.jobId()),
                    T_TRACKING_METRIC.F_COMPONENT_NAME.eq(t.componentName()), T_TRACKING_METRIC.F_ROLE.eq(t.role()),
                    T_TRACKING_METRIC.F_PARTY_ID.eq(t.partyId()), T_TRACKING_METRIC.F_METRIC_NAMESPACE.eq(namespace),
                    T_TRACKING_METRIC.F_METRIC_NAME.eq(name), T_TRACKING_METRIC.F_TYPE.eq(META)).execute();
            d.insertInto(T_TRACKING_METRIC)
                    .set(T_TRACKING_METRIC.F_JOB_ID, t.jobId())
                    .set(T_TRACKING_METRIC.F_COMPONENT_NAME, t.componentName())
                    .set(T_TRACKING_METRIC.F_TASK_ID, t.taskId())
                    .set(T_TRACKING_METRIC.F_TASK_VERSION, t.taskVersion())
                    .set(T_TRACKING_METRIC.F_ROLE, t.role())
                    .set(T_TRACKING_METRIC.F_PARTY_ID, t.partyId())
                    .set(T_TRACKING_METRIC.F_METRIC_NAMESPACE, namespace)
                    .set(T_TRACKING_METRIC.F_METRIC_NAME, name)
                    .set(T_TRACKING_METRIC.F_TYPE, META)
                    .set(T_TRACKING_METRIC.F_KEY, JobStore.jsonb(JsonNodeFactory.instance.textNode("meta")))
                    .set(T_TRACKING_METRIC.F_VALUE, JobStore.jsonb(meta))
                    .set(T_TRACKING_METRIC.F_CREATE_TIME, clock.millis())
                    .execute();
        });
    }

    public void saveModel(TaskKey t, String module, String modelName, JsonNode param, JsonNode meta) {
        dsl.insertInto(T_COMPONENT_MODEL)
                .set(T_COMPONENT_MODEL.F_JOB_ID, t.jobId())
                .set(T_COMPONENT_MODEL.F_COMPONENT_NAME, t.componentName())
                .set(T_COMPONENT_MODEL.F_ROLE, t.role())
                .set(T_COMPONENT_MODEL.F_PARTY_ID, t.partyId())
                .set(T_COMPONENT_MODEL.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_MODEL.F_MODULE, module)
                .set(T_COMPONENT_MODEL.F_MODEL_NAME, modelName)
                .set(T_COMPONENT_MODEL.F_PARAM, JobStore.jsonb(param))
                .set(T_COMPONENT_MODEL.F_META, JobStore.jsonb(meta))
                .set(T_COMPONENT_MODEL.F_CREATE_TIME, clock.millis())
                .onConflict(T_COMPONENT_MODEL.F_JOB_ID, T_COMPONENT_MODEL.F_COMPONENT_NAME, T_COMPONENT_MODEL.F_ROLE,
                        T_COMPONENT_MODEL.F_PARTY_ID, T_COMPONENT_MODEL.F_MODEL_NAME)
                .doUpdate()
                .set(T_COMPONENT_MODEL.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_MODEL.F_MODULE, module)
                .set(T_COMPONENT_MODEL.F_PARAM, JobStore.jsonb(param))
                .set(T_COMPONENT_MODEL.F_META, JobStore.jsonb(meta))
                .set(T_COMPONENT_MODEL.F_CREATE_TIME, clock.millis())
                .execute();
    }

    public void setSummary(TaskKey t, JsonNode summary) {
        dsl.insertInto(T_COMPONENT_SUMMARY)
                .set(T_COMPONENT_SUMMARY.F_JOB_ID, t.jobId())
                .set(T_COMPONENT_SUMMARY.F_COMPONENT_NAME, t.componentName())
                .set(T_COMPONENT_SUMMARY.F_ROLE, t.role())
                .set(T_COMPONENT_SUMMARY.F_PARTY_ID, t.partyId())
                .set(T_COMPONENT_SUMMARY.F_TASK_ID, t.taskId())
                .set(T_COMPONENT_SUMMARY.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_SUMMARY.F_SUMMARY, JobStore.jsonb(summary))
                .set(T_COMPONENT_SUMMARY.F_CREATE_TIME, clock.millis())
                .onConflict(T_COMPONENT_SUMMARY.F_JOB_ID, T_COMPONENT_SUMMARY.F_COMPONENT_NAME,
                        T_COMPONENT_SUMMARY.F_ROLE, T_COMPONENT_SUMMARY.F_PARTY_ID)
                .doUpdate()
                .set(T_COMPONENT_SUMMARY.F_TASK_ID, t.taskId())
                .set(T_COMPONENT_SUMMARY.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_SUMMARY.F_SUMMARY, JobStore.jsonb(summary))
                .set(T_COMPONENT_SUMMARY.F_CREATE_TIME, clock.millis())
                .execute();
    }

    public void recordOutputData(DSLContext tx, TaskKey t, String dataName, String namespace, String name) {
        tx.insertInto(T_OUTPUT_DATA_INFO)
                .set(T_OUTPUT_DATA_INFO.F_JOB_ID, t.jobId())
                .set(T_OUTPUT_DATA_INFO.F_COMPONENT_NAME, t.componentName())
                .set(T_OUTPUT_DATA_INFO.F_TASK_ID, t.taskId())
                .set(T_OUTPUT_DATA_INFO.F_TASK_VERSION, t.taskVersion())
                .set(T_OUTPUT_DATA_INFO.F_DATA_NAME, dataName)
                .set(T_OUTPUT_DATA_INFO.F_ROLE, t.role())
                .set(T_OUTPUT_DATA_INFO.F_PARTY_ID, t.partyId())
                .set(T_OUTPUT_DATA_INFO.F_TABLE_NAME, name)
                .set(T_OUTPUT_DATA_INFO.F_TABLE_NAMESPACE, namespace)
                .set(T_OUTPUT_DATA_INFO.F_CREATE_TIME, clock.millis())
                .onConflictDoNothing()
                .execute();
    }

    private static JsonNode json(Object o) {
        if (o instanceof JsonNode n) {
            return n;
        }
        if (o instanceof Integer i) {
            return JsonNodeFactory.instance.numberNode(i);
        }
        if (o instanceof Long l) {
            return JsonNodeFactory.instance.numberNode(l);
        }
        if (o instanceof Number n) {
            return JsonNodeFactory.instance.numberNode(n.doubleValue());
        }
        return JsonNodeFactory.instance.textNode(String.valueOf(o));
    }
}
