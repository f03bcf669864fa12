package io.fedflow.node.data;

import static io.fedflow.node.store.generated.Tables.T_STORAGE_TABLE_META;
import static io.fedflow.node.store.generated.Tables.T_TABLE_READ;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import org.jooq.DSLContext;

/** The tables a job's components read and wrote (FATE's /v1/table/list). */
public final class JobTableStore {
    private final DSLContext dsl;

    public JobTableStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    public ObjectNode list(String jobId, String role, String partyId) {
        var tasks = dsl.selectFrom(T_TASK)
                .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_ROLE.eq(role), T_TASK.F_PARTY_ID.eq(partyId))
                .orderBy(T_TASK.F_CREATE_TIME).fetch();
        if (tasks.isEmpty()) {
            throw FlowException.notFound("no task of job " + jobId + " for role " + role + " party " + partyId);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (var task : tasks) {
            ObjectNode cpn = out.putObject(task.getFComponentName());
            ObjectNode input = cpn.putObject("input");
            ObjectNode output = cpn.putObject("output");
            dsl.selectFrom(T_TABLE_READ)
                    .where(T_TABLE_READ.F_JOB_ID.eq(jobId), T_TABLE_READ.F_COMPONENT_NAME.eq(task.getFComponentName()))
                    .forEach(r -> input.putObject("table").put("name", r.getFTableName())
                            .put("namespace", r.getFTableNamespace()));
            dsl.selectFrom(T_STORAGE_TABLE_META).where(T_STORAGE_TABLE_META.F_JOB_ID.eq(jobId))
                    .forEach(r -> output.putObject("data").put("name", r.getFName())
                            .put("namespace", r.getFNamespace()));
        }
        return out;
    }
}
