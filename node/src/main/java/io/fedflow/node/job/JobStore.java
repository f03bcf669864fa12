package io.fedflow.node.job;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.server.FateJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Job and task rows (FATE's t_job / t_task), one row per job, role and party. */
public final class JobStore {
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final DSLContext dsl;
    private final Clock clock;

    public JobStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** What a single-component local job (upload, download) is made of. */
    public record LocalJob(String jobId, String role, String partyId, String componentName, String module,
                           ObjectNode dsl, ObjectNode runtimeConf, ObjectNode componentParameters,
                           String description) {}

    /** Creates a running local job and its one running task, in one transaction. */
    public void startLocalJob(LocalJob job) {
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.insertInto(T_JOB)
                    .set(T_JOB.F_JOB_ID, job.jobId())
                    .set(T_JOB.F_ROLE, job.role())
                    .set(T_JOB.F_PARTY_ID, job.partyId())
                    .set(T_JOB.F_DESCRIPTION, job.description())
                    .set(T_JOB.F_DSL, jsonb(job.dsl()))
                    .set(T_JOB.F_RUNTIME_CONF, jsonb(job.runtimeConf()))
                    .set(T_JOB.F_RUNTIME_CONF_ON_PARTY, jsonb(job.runtimeConf()))
                    .set(T_JOB.F_TRAIN_RUNTIME_CONF, jsonb(JsonNodeFactory.instance.objectNode()))
                    .set(T_JOB.F_ROLES, jsonb(job.runtimeConf().path("role")))
                    .set(T_JOB.F_INITIATOR_ROLE, job.role())
                    .set(T_JOB.F_INITIATOR_PARTY_ID, job.partyId())
                    .set(T_JOB.F_IS_INITIATOR, true)
                    .set(T_JOB.F_STATUS, JobStatus.RUNNING.wire())
                    .set(T_JOB.F_CREATE_TIME, now)
                    .set(T_JOB.F_UPDATE_TIME, now)
                    .set(T_JOB.F_START_TIME, now)
                    .execute();
            t.insertInto(T_TASK)
                    .set(T_TASK.F_JOB_ID, job.jobId())
                    .set(T_TASK.F_TASK_ID, job.jobId() + "_" + job.componentName())
                    .set(T_TASK.F_TASK_VERSION, 0L)
                    .set(T_TASK.F_ROLE, job.role())
                    .set(T_TASK.F_PARTY_ID, job.partyId())
                    .set(T_TASK.F_COMPONENT_NAME, job.componentName())
                    .set(T_TASK.F_COMPONENT_MODULE, job.module())
                    .set(T_TASK.F_INITIATOR_ROLE, job.role())
                    .set(T_TASK.F_INITIATOR_PARTY_ID, job.partyId())
                    .set(T_TASK.F_STATUS, JobStatus.RUNNING.wire())
                    .set(T_TASK.F_PARTY_STATUS, JobStatus.RUNNING.wire())
                    .set(T_TASK.F_COMPONENT_PARAMETERS, jsonb(job.componentParameters()))
                    .set(T_TASK.F_CREATE_TIME, now)
                    .set(T_TASK.F_UPDATE_TIME, now)
                    .set(T_TASK.F_START_TIME, now)
                    .execute();
        });
    }

    /** Ends a running local job and its tasks with {@code status}; a no-op if it already ended. */
    public void endLocalJob(String jobId, JobStatus status, String errorReport) {
        long now = clock.millis();
        dsl.transaction(tx -> {
            DSLContext t = tx.dsl();
            t.update(T_JOB)
                    .set(T_JOB.F_STATUS, status.wire())
                    .set(T_JOB.F_PROGRESS, status == JobStatus.SUCCESS ? DSL.val(100) : T_JOB.F_PROGRESS)
                    .set(T_JOB.F_ERROR_REPORT, errorReport)
                    .set(T_JOB.F_TAG, "job_end")
                    .set(T_JOB.F_UPDATE_TIME, now)
                    .set(T_JOB.F_END_TIME, now)
                    .set(T_JOB.F_ELAPSED, DSL.val(now).minus(T_JOB.F_START_TIME))
                    .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_STATUS.eq(JobStatus.RUNNING.wire()))
                    .execute();
            t.update(T_TASK)
                    .set(T_TASK.F_STATUS, status.wire())
                    .set(T_TASK.F_PARTY_STATUS, status.wire())
                    .set(T_TASK.F_ERROR_REPORT, errorReport)
                    .set(T_TASK.F_UPDATE_TIME, now)
                    .set(T_TASK.F_END_TIME, now)
                    .set(T_TASK.F_ELAPSED, DSL.val(now).minus(T_TASK.F_START_TIME))
                    .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_STATUS.eq(JobStatus.RUNNING.wire()))
                    .execute();
        });
    }

    /** Filters of FATE's job/query; every one given must match. */
    public record JobFilter(String jobId, String role, String partyId, String status, String description) {}

    public ArrayNode query(JobFilter f) {
        List<Condition> conds = new ArrayList<>();
        if (!isBlank(f.jobId())) {
            conds.add(T_JOB.F_JOB_ID.eq(f.jobId()));
        }
        if (!isBlank(f.role())) {
            conds.add(T_JOB.F_ROLE.eq(f.role()));
        }
        if (!isBlank(f.partyId())) {
            conds.add(T_JOB.F_PARTY_ID.eq(f.partyId()));
        }
        if (!isBlank(f.status())) {
            conds.add(T_JOB.F_STATUS.eq(f.status()));
        }
        if (!isBlank(f.description())) {
            conds.add(T_JOB.F_DESCRIPTION.eq(f.description()));
        }
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        if (conds.isEmpty()) {
            return rows; // as FATE: a query without any filter finds nothing rather than everything
        }
        dsl.selectFrom(T_JOB).where(conds).orderBy(T_JOB.F_CREATE_TIME.desc()).forEach(r -> rows.add(row(r)));
        return rows;
    }

    /** A record as FATE prints it: f_ keys, JSON columns as JSON, times as ms and as dates. */
    public static ObjectNode row(Record r) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        for (Field<?> field : r.fields()) {
            Object v = r.get(field);
            String name = field.getName();
            if (v == null) {
                o.putNull(name);
            } else if (v instanceof JSONB j) {
                o.set(name, parse(j.data()));
            } else if (v instanceof Long l) {
                o.put(name, l);
            } else if (v instanceof Integer i) {
                o.put(name, i);
            } else if (v instanceof Boolean b) {
                o.put(name, b);
            } else {
                o.put(name, v.toString());
            }
            if (name.endsWith("_time") && v instanceof Long l && !name.equals("f_elapsed")) {
                o.put(name.substring(0, name.length() - "_time".length()) + "_date",
                        DATE.format(Instant.ofEpochMilli(l)));
            }
        }
        return o;
    }

    public static JSONB jsonb(JsonNode node) {
        return JSONB.valueOf(node == null ? "null" : node.toString());
    }

    public static JsonNode parse(String json) {
        try {
            return FateJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
