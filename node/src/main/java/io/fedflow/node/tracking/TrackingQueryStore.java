package io.fedflow.node.tracking;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_MODEL;
import static io.fedflow.node.store.generated.Tables.T_COMPONENT_SUMMARY;
import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_OUTPUT_DATA_INFO;
import static io.fedflow.node.store.generated.Tables.T_TASK;
import static io.fedflow.node.store.generated.Tables.T_TRACKING_METRIC;

import io.fedflow.node.store.generated.tables.records.TComponentModelRecord;
import io.fedflow.node.store.generated.tables.records.TComponentSummaryRecord;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import io.fedflow.node.store.generated.tables.records.TOutputDataInfoRecord;
import io.fedflow.node.store.generated.tables.records.TTaskRecord;
import io.fedflow.node.store.generated.tables.records.TTrackingMetricRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * The reads of FATE's {@code /v1/tracking} calls (and its metric delete): jobs, the latest task version
 * that wrote anything, metrics, models, summaries and output table records of one component at one role and
 * party. {@link TrackingStore} is the write side, as tasks run.
 */
public final class TrackingQueryStore {
    private final DSLContext dsl;

    public TrackingQueryStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** One component's outputs at one role and party. */
    public record Where(String jobId, String component, String role, String partyId) {}

    /** The job's initiator row first (then by role and party): who a call without role or party means. */
    public Optional<TJobRecord> initiatorRow(String jobId) {
        return Optional.ofNullable(dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId))
                .orderBy(T_JOB.F_IS_INITIATOR.desc(), T_JOB.F_ROLE, T_JOB.F_PARTY_ID).limit(1).fetchOne());
    }

    public Optional<TJobRecord> jobRow(String jobId, String role, String partyId) {
        return Optional.ofNullable(dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_ROLE.eq(role),
                T_JOB.F_PARTY_ID.eq(partyId)).fetchOne());
    }

    public Optional<TJobRecord> anyJobRow(String jobId) {
        return Optional.ofNullable(dsl.selectFrom(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId)).limit(1).fetchOne());
    }

    /** The latest version of the job's tasks of {@code module}. */
    public List<TTaskRecord> latestTasksOfModule(String jobId, String module) {
        return latestTasks(DSL.and(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_COMPONENT_MODULE.eq(module)));
    }

    /** The latest version of one component's task at one role and party. */
    public Optional<TTaskRecord> latestTask(Where w) {
        List<TTaskRecord> tasks = latestTasks(DSL.and(T_TASK.F_JOB_ID.eq(w.jobId()),
                T_TASK.F_COMPONENT_NAME.eq(w.component()), T_TASK.F_ROLE.eq(w.role()),
                T_TASK.F_PARTY_ID.eq(w.partyId())));
        return tasks.isEmpty() ? Optional.empty() : Optional.of(tasks.get(0));
    }

    private List<TTaskRecord> latestTasks(Condition where) {
        var t2 = T_TASK.as("t2");
        return dsl.selectFrom(T_TASK).where(where, T_TASK.F_TASK_VERSION.eq(DSL.select(DSL.max(t2.F_TASK_VERSION))
                        .from(t2).where(t2.F_JOB_ID.eq(T_TASK.F_JOB_ID), t2.F_TASK_ID.eq(T_TASK.F_TASK_ID),
                                t2.F_ROLE.eq(T_TASK.F_ROLE), t2.F_PARTY_ID.eq(T_TASK.F_PARTY_ID))))
                .orderBy(T_TASK.F_CREATE_TIME, T_TASK.F_TASK_ID, T_TASK.F_ROLE, T_TASK.F_PARTY_ID).fetch();
    }

    /**
     * The metric rows of the latest task version that wrote any, in write order; of one namespace and name
     * when both are given.
     */
    public List<TTrackingMetricRecord> latestMetrics(Where w, String namespace, String name) {
        var m2 = T_TRACKING_METRIC.as("m2");
        List<Condition> conds = new ArrayList<>(List.of(T_TRACKING_METRIC.F_JOB_ID.eq(w.jobId()),
                T_TRACKING_METRIC.F_COMPONENT_NAME.eq(w.component()), T_TRACKING_METRIC.F_ROLE.eq(w.role()),
                T_TRACKING_METRIC.F_PARTY_ID.eq(w.partyId()),
                T_TRACKING_METRIC.F_TASK_VERSION.eq(DSL.select(DSL.max(m2.F_TASK_VERSION)).from(m2)
                        .where(m2.F_JOB_ID.eq(w.jobId()), m2.F_COMPONENT_NAME.eq(w.component()),
                                m2.F_ROLE.eq(w.role()), m2.F_PARTY_ID.eq(w.partyId())))));
        if (namespace != null && name != null) {
            conds.add(T_TRACKING_METRIC.F_METRIC_NAMESPACE.eq(namespace));
            conds.add(T_TRACKING_METRIC.F_METRIC_NAME.eq(name));
        }
        return dsl.selectFrom(T_TRACKING_METRIC).where(conds).orderBy(T_TRACKING_METRIC.F_ID).fetch();
    }

    /** Deletes a job's metrics (optionally of one component, role, party); returns how many rows went. */
    public int deleteMetrics(String jobId, String component, String role, String partyId) {
        List<Condition> conds = new ArrayList<>(List.of(T_TRACKING_METRIC.F_JOB_ID.eq(jobId)));
        if (!blank(component)) {
            conds.add(T_TRACKING_METRIC.F_COMPONENT_NAME.eq(component));
        }
        if (!blank(role)) {
            conds.add(T_TRACKING_METRIC.F_ROLE.eq(role));
        }
        if (!blank(partyId)) {
            conds.add(T_TRACKING_METRIC.F_PARTY_ID.eq(partyId));
        }
        return dsl.deleteFrom(T_TRACKING_METRIC).where(conds).execute();
    }

    /** The models of the latest task version that saved any, by name. */
    public List<TComponentModelRecord> latestModels(Where w) {
        var m2 = T_COMPONENT_MODEL.as("m2");
        return dsl.selectFrom(T_COMPONENT_MODEL)
                .where(T_COMPONENT_MODEL.F_JOB_ID.eq(w.jobId()), T_COMPONENT_MODEL.F_COMPONENT_NAME.eq(w.component()),
                        T_COMPONENT_MODEL.F_ROLE.eq(w.role()), T_COMPONENT_MODEL.F_PARTY_ID.eq(w.partyId()),
                        T_COMPONENT_MODEL.F_TASK_VERSION.eq(DSL.select(DSL.max(m2.F_TASK_VERSION)).from(m2)
                                .where(m2.F_JOB_ID.eq(w.jobId()), m2.F_COMPONENT_NAME.eq(w.component()),
                                        m2.F_ROLE.eq(w.role()), m2.F_PARTY_ID.eq(w.partyId()))))
                .orderBy(T_COMPONENT_MODEL.F_MODEL_NAME).fetch();
    }

    /** The component's summary, of one task id and version when given. */
    public Optional<TComponentSummaryRecord> summary(Where w, String taskId, Long taskVersion) {
        List<Condition> conds = new ArrayList<>(List.of(T_COMPONENT_SUMMARY.F_JOB_ID.eq(w.jobId()),
                T_COMPONENT_SUMMARY.F_COMPONENT_NAME.eq(w.component()), T_COMPONENT_SUMMARY.F_ROLE.eq(w.role()),
                T_COMPONENT_SUMMARY.F_PARTY_ID.eq(w.partyId())));
        if (!blank(taskId)) {
            conds.add(T_COMPONENT_SUMMARY.F_TASK_ID.eq(taskId));
        }
        if (taskVersion != null) {
            conds.add(T_COMPONENT_SUMMARY.F_TASK_VERSION.eq(taskVersion));
        }
        return Optional.ofNullable(dsl.selectFrom(T_COMPONENT_SUMMARY).where(conds).fetchOne());
    }

    /** Every output table record of the component, newest version first, then in write order. */
    public List<TOutputDataInfoRecord> outputs(Where w) {
        return dsl.selectFrom(T_OUTPUT_DATA_INFO)
                .where(T_OUTPUT_DATA_INFO.F_JOB_ID.eq(w.jobId()), T_OUTPUT_DATA_INFO.F_COMPONENT_NAME.eq(w.component()),
                        T_OUTPUT_DATA_INFO.F_ROLE.eq(w.role()), T_OUTPUT_DATA_INFO.F_PARTY_ID.eq(w.partyId()))
                .orderBy(T_OUTPUT_DATA_INFO.F_TASK_VERSION.desc(), T_OUTPUT_DATA_INFO.F_CREATE_TIME,
                        T_OUTPUT_DATA_INFO.F_DATA_NAME).fetch();
    }

    /** Filters of FATE's job/data/view/query; the blank ones match anything. */
    public record DataViewFilter(String jobId, String role, String partyId, String component, String taskId,
                                 Long taskVersion, String dataName) {}

    /**
     * The output data records matching {@code f}: of each task's data name at each party, the latest task
     * version (or the one asked for), in write order.
     */
    public List<TOutputDataInfoRecord> dataView(DataViewFilter f) {
        var o = T_OUTPUT_DATA_INFO;
        List<Condition> conds = new ArrayList<>();
        conds.add(o.F_JOB_ID.eq(f.jobId()));
        if (!blank(f.role())) {
            conds.add(o.F_ROLE.eq(f.role()));
        }
        if (!blank(f.partyId())) {
            conds.add(o.F_PARTY_ID.eq(f.partyId()));
        }
        if (!blank(f.component())) {
            conds.add(o.F_COMPONENT_NAME.eq(f.component()));
        }
        if (!blank(f.taskId())) {
            conds.add(o.F_TASK_ID.eq(f.taskId()));
        }
        if (!blank(f.dataName())) {
            conds.add(o.F_DATA_NAME.eq(f.dataName()));
        }
        if (f.taskVersion() != null) {
            conds.add(o.F_TASK_VERSION.eq(f.taskVersion()));
        } else {
            var o2 = T_OUTPUT_DATA_INFO.as("o2");
            conds.add(o.F_TASK_VERSION.eq(DSL.select(DSL.max(o2.F_TASK_VERSION)).from(o2)
                    .where(o2.F_JOB_ID.eq(o.F_JOB_ID), o2.F_TASK_ID.eq(o.F_TASK_ID), o2.F_DATA_NAME.eq(o.F_DATA_NAME),
                            o2.F_ROLE.eq(o.F_ROLE), o2.F_PARTY_ID.eq(o.F_PARTY_ID))));
        }
        return dsl.selectFrom(o).where(conds).orderBy(o.F_CREATE_TIME, o.F_COMPONENT_NAME, o.F_DATA_NAME, o.F_ROLE,
                o.F_PARTY_ID).fetch();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
