package io.fedflow.node.tracking;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_MODEL;
import static io.fedflow.node.store.generated.Tables.T_COMPONENT_SUMMARY;
import static io.fedflow.node.store.generated.Tables.T_OUTPUT_DATA_INFO;
import static io.fedflow.node.store.generated.Tables.T_TRACKING_METRIC;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.store.generated.tables.records.TComponentModelRecord;
import io.fedflow.node.store.generated.tables.records.TOutputDataInfoRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
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
                    namespace, name, DATA, Jsonb.of(json(kv[0])), Jsonb.of(json(kv[1])), now);
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
                    .set(T_TRACKING_METRIC.F_KEY, Jsonb.of(JsonNodeFactory.instance.textNode("meta")))
                    .set(T_TRACKING_METRIC.F_VALUE, Jsonb.of(meta))
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
                .set(T_COMPONENT_MODEL.F_PARAM, Jsonb.of(param))
                .set(T_COMPONENT_MODEL.F_META, Jsonb.of(meta))
                .set(T_COMPONENT_MODEL.F_CREATE_TIME, clock.millis())
                .onConflict(T_COMPONENT_MODEL.F_JOB_ID, T_COMPONENT_MODEL.F_COMPONENT_NAME, T_COMPONENT_MODEL.F_ROLE,
                        T_COMPONENT_MODEL.F_PARTY_ID, T_COMPONENT_MODEL.F_MODEL_NAME)
                .doUpdate()
                .set(T_COMPONENT_MODEL.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_MODEL.F_MODULE, module)
                .set(T_COMPONENT_MODEL.F_PARAM, Jsonb.of(param))
                .set(T_COMPONENT_MODEL.F_META, Jsonb.of(meta))
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
                .set(T_COMPONENT_SUMMARY.F_SUMMARY, Jsonb.of(summary))
                .set(T_COMPONENT_SUMMARY.F_CREATE_TIME, clock.millis())
                .onConflict(T_COMPONENT_SUMMARY.F_JOB_ID, T_COMPONENT_SUMMARY.F_COMPONENT_NAME,
                        T_COMPONENT_SUMMARY.F_ROLE, T_COMPONENT_SUMMARY.F_PARTY_ID)
                .doUpdate()
                .set(T_COMPONENT_SUMMARY.F_TASK_ID, t.taskId())
                .set(T_COMPONENT_SUMMARY.F_TASK_VERSION, t.taskVersion())
                .set(T_COMPONENT_SUMMARY.F_SUMMARY, Jsonb.of(summary))
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

    /** The latest output table record of an upstream task's {@code dataName}, at one role and party. */
    public Optional<TOutputDataInfoRecord> latestOutput(String jobId, String component, String role, String partyId,
                                                        String dataName) {
        return Optional.ofNullable(dsl.selectFrom(T_OUTPUT_DATA_INFO)
                .where(T_OUTPUT_DATA_INFO.F_JOB_ID.eq(jobId), T_OUTPUT_DATA_INFO.F_COMPONENT_NAME.eq(component),
                        T_OUTPUT_DATA_INFO.F_ROLE.eq(role), T_OUTPUT_DATA_INFO.F_PARTY_ID.eq(partyId),
                        T_OUTPUT_DATA_INFO.F_DATA_NAME.eq(dataName))
                .orderBy(T_OUTPUT_DATA_INFO.F_TASK_VERSION.desc()).limit(1).fetchOne());
    }

    /** The models a component saved at one role and party, by name. */
    public List<TComponentModelRecord> models(String jobId, String component, String role, String partyId) {
        return dsl.selectFrom(T_COMPONENT_MODEL)
                .where(T_COMPONENT_MODEL.F_JOB_ID.eq(jobId), T_COMPONENT_MODEL.F_COMPONENT_NAME.eq(component),
                        T_COMPONENT_MODEL.F_ROLE.eq(role), T_COMPONENT_MODEL.F_PARTY_ID.eq(partyId))
                .orderBy(T_COMPONENT_MODEL.F_MODEL_NAME).fetch();
    }

    /** What a job clean removes: a role, party and component narrow it when given. */
    public record CleanScope(String jobId, String role, String partyId, String component) {}

    /** The output table records in {@code scope}. */
    public List<TOutputDataInfoRecord> outputs(CleanScope scope) {
        List<Condition> outputs = new ArrayList<>(List.of(T_OUTPUT_DATA_INFO.F_JOB_ID.eq(scope.jobId())));
        if (!blank(scope.role())) {
            outputs.add(T_OUTPUT_DATA_INFO.F_ROLE.eq(scope.role()));
        }
        if (!blank(scope.partyId())) {
            outputs.add(T_OUTPUT_DATA_INFO.F_PARTY_ID.eq(scope.partyId()));
        }
        if (!blank(scope.component())) {
            outputs.add(T_OUTPUT_DATA_INFO.F_COMPONENT_NAME.eq(scope.component()));
        }
        return dsl.selectFrom(T_OUTPUT_DATA_INFO).where(outputs).fetch();
    }

    /** Deletes the metrics in {@code scope} and every summary of its job; answers how many metric rows went. */
    public int deleteMetricsAndSummaries(CleanScope scope) {
        List<Condition> metrics = new ArrayList<>(List.of(T_TRACKING_METRIC.F_JOB_ID.eq(scope.jobId())));
        if (!blank(scope.role())) {
            metrics.add(T_TRACKING_METRIC.F_ROLE.eq(scope.role()));
        }
        if (!blank(scope.partyId())) {
            metrics.add(T_TRACKING_METRIC.F_PARTY_ID.eq(scope.partyId()));
        }
        if (!blank(scope.component())) {
            metrics.add(T_TRACKING_METRIC.F_COMPONENT_NAME.eq(scope.component()));
        }
        int deleted = dsl.deleteFrom(T_TRACKING_METRIC).where(metrics).execute();
        dsl.deleteFrom(T_COMPONENT_SUMMARY).where(T_COMPONENT_SUMMARY.F_JOB_ID.eq(scope.jobId())).execute();
        return deleted;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
