package io.fedflow.node.model;

import static io.fedflow.node.store.generated.Tables.T_JOB;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.FateJson;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;

/** The models at this node: the rows of jobs that finished successfully, read from t_job. */
public final class ModelStore {
    /** A model is a job that succeeded; t_job keeps FATE's wire status. */
    private static final String SUCCESS = "success";

    private final DSLContext dsl;

    public ModelStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /** The model rows matching each non-empty argument, by job id, role and party. */
    public List<ModelRow> find(String jobId, String role, String partyId) {
        List<Condition> where = new ArrayList<>();
        where.add(T_JOB.F_STATUS.eq(SUCCESS));
        if (!jobId.isEmpty()) {
            where.add(T_JOB.F_JOB_ID.eq(jobId));
        }
        if (!role.isEmpty()) {
            where.add(T_JOB.F_ROLE.eq(role));
        }
        if (!partyId.isEmpty()) {
            where.add(T_JOB.F_PARTY_ID.eq(partyId));
        }
        return dsl.select(T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID, T_JOB.F_ROLES, T_JOB.F_INITIATOR_ROLE,
                        T_JOB.F_INITIATOR_PARTY_ID, T_JOB.F_DSL, T_JOB.F_RUNTIME_CONF, T_JOB.F_TRAIN_RUNTIME_CONF,
                        T_JOB.F_STATUS, T_JOB.F_DESCRIPTION, T_JOB.F_CREATE_TIME, T_JOB.F_UPDATE_TIME)
                .from(T_JOB).where(where)
                .orderBy(T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID)
                .fetch(ModelStore::row);
    }

    private static ModelRow row(Record r) {
        return new ModelRow(r.get(T_JOB.F_JOB_ID), r.get(T_JOB.F_ROLE), r.get(T_JOB.F_PARTY_ID),
                json(r.get(T_JOB.F_ROLES)), r.get(T_JOB.F_INITIATOR_ROLE), r.get(T_JOB.F_INITIATOR_PARTY_ID),
                json(r.get(T_JOB.F_DSL)), json(r.get(T_JOB.F_RUNTIME_CONF)), json(r.get(T_JOB.F_TRAIN_RUNTIME_CONF)),
                r.get(T_JOB.F_STATUS), r.get(T_JOB.F_DESCRIPTION), r.get(T_JOB.F_CREATE_TIME),
                r.get(T_JOB.F_UPDATE_TIME));
    }

    private static JsonNode json(JSONB value) {
        try {
            return FateJson.MAPPER.readTree(value.data());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
