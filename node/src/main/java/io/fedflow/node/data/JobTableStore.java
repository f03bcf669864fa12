package io.fedflow.node.data;

import static io.fedflow.node.store.generated.Tables.T_OUTPUT_DATA_INFO;
import static io.fedflow.node.store.generated.Tables.T_STORAGE_TABLE_META;
import static io.fedflow.node.store.generated.Tables.T_TABLE_READ;
import static io.fedflow.node.store.generated.Tables.T_TASK;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.store.generated.tables.records.TOutputDataInfoRecord;
import java.util.HashMap;
import java.util.Map;
import org.jooq.DSLContext;

/** The tables a job's components read and wrote (FATE's /v1/table/list). */
public final class JobTableStore {
    private final DSLContext dsl;

    public JobTableStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Per component of the job at one role and party: the tables it read and the table it wrote (FATE
     * keeps one per component: its "data" output, else its last). Upload and download jobs write their
     * table without an output record; their one component gets the table the job made.
     */
    public ObjectNode list(String jobId, String role, String partyId) {
        var tasks = dsl.selectFrom(T_TASK)
                .where(T_TASK.F_JOB_ID.eq(jobId), T_TASK.F_ROLE.eq(role), T_TASK.F_PARTY_ID.eq(partyId))
                .orderBy(T_TASK.F_CREATE_TIME).fetch();
        if (tasks.isEmpty()) {
            throw FlowException.notFound("no task of job " + jobId + " for role " + role + " party " + partyId);
        }
        Map<String, TOutputDataInfoRecord> written = new HashMap<>();
        dsl.selectFrom(T_OUTPUT_DATA_INFO)
                .where(T_OUTPUT_DATA_INFO.F_JOB_ID.eq(jobId), T_OUTPUT_DATA_INFO.F_ROLE.eq(role),
                        T_OUTPUT_DATA_INFO.F_PARTY_ID.eq(partyId))
                .orderBy(T_OUTPUT_DATA_INFO.F_TASK_VERSION, T_OUTPUT_DATA_INFO.F_CREATE_TIME)
                .forEach(r -> written.merge(r.getFComponentName(), r, JobTableStore::preferred));
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (var task : tasks) {
            ObjectNode cpn = out.putObject(task.getFComponentName());
            ObjectNode input = cpn.putObject("input");
            ObjectNode output = cpn.putObject("output");
            dsl.selectFrom(T_TABLE_READ)
                    .where(T_TABLE_READ.F_JOB_ID.eq(jobId), T_TABLE_READ.F_COMPONENT_NAME.eq(task.getFComponentName()))
                    .forEach(r -> input.putObject("table").put("name", r.getFTableName())
                            .put("namespace", r.getFTableNamespace()));
            TOutputDataInfoRecord table = written.get(task.getFComponentName());
            if (table != null) {
                output.putObject("data").put("name", table.getFTableName()).put("namespace",
                        table.getFTableNamespace());
            } else if (written.isEmpty() && tasks.size() == 1) {
                dsl.selectFrom(T_STORAGE_TABLE_META).where(T_STORAGE_TABLE_META.F_JOB_ID.eq(jobId))
                        .forEach(r -> output.putObject("data").put("name", r.getFName())
                                .put("namespace", r.getFNamespace()));
            }
        }
        return out;
    }

    /** A later task version wins; within one, the "data" output. */
    private static TOutputDataInfoRecord preferred(TOutputDataInfoRecord a, TOutputDataInfoRecord b) {
        if (!a.getFTaskVersion().equals(b.getFTaskVersion())) {
            return a.getFTaskVersion() > b.getFTaskVersion() ? a : b;
        }
        return "data".equals(a.getFDataName()) ? a : b;
    }
}
