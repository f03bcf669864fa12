package io.fedflow.node.checkpoint;

import static io.fedflow.node.store.generated.Tables.T_MODEL_CHECKPOINT;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.store.generated.tables.records.TModelCheckpointRecord;
import java.time.Clock;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;

/** The checkpoints tasks save (t_model_checkpoint): written as a task runs, read by the checkpoint calls. */
public final class CheckpointStore {
    private final DSLContext dsl;
    private final Clock clock;

    public CheckpointStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Forgets the owner's checkpoints: a task run starts afresh, so two runs' steps never mix. */
    public void clear(CheckpointOwner owner) {
        dsl.deleteFrom(T_MODEL_CHECKPOINT).where(of(owner)).execute();
    }

    /** Saves one model of a step; saving the same step and model name again replaces it. */
    public void save(CheckpointOwner owner, long taskVersion, int stepIndex, String stepName, String module,
                     String modelName, JsonNode param, JsonNode meta) {
        long now = clock.millis();
        dsl.insertInto(T_MODEL_CHECKPOINT)
                .set(T_MODEL_CHECKPOINT.F_JOB_ID, owner.jobId())
                .set(T_MODEL_CHECKPOINT.F_COMPONENT_NAME, owner.componentName())
                .set(T_MODEL_CHECKPOINT.F_ROLE, owner.role())
                .set(T_MODEL_CHECKPOINT.F_PARTY_ID, owner.partyId())
                .set(T_MODEL_CHECKPOINT.F_STEP_INDEX, stepIndex)
                .set(T_MODEL_CHECKPOINT.F_MODEL_NAME, modelName)
                .set(T_MODEL_CHECKPOINT.F_STEP_NAME, stepName)
                .set(T_MODEL_CHECKPOINT.F_TASK_VERSION, taskVersion)
                .set(T_MODEL_CHECKPOINT.F_MODULE, module)
                .set(T_MODEL_CHECKPOINT.F_PARAM, Jsonb.of(param))
                .set(T_MODEL_CHECKPOINT.F_META, Jsonb.of(meta))
                .set(T_MODEL_CHECKPOINT.F_CREATE_TIME, now)
                .onConflict(T_MODEL_CHECKPOINT.F_JOB_ID, T_MODEL_CHECKPOINT.F_COMPONENT_NAME, T_MODEL_CHECKPOINT.F_ROLE,
                        T_MODEL_CHECKPOINT.F_PARTY_ID, T_MODEL_CHECKPOINT.F_STEP_INDEX, T_MODEL_CHECKPOINT.F_MODEL_NAME)
                .doUpdate()
                .set(T_MODEL_CHECKPOINT.F_STEP_NAME, stepName)
                .set(T_MODEL_CHECKPOINT.F_TASK_VERSION, taskVersion)
                .set(T_MODEL_CHECKPOINT.F_MODULE, module)
                .set(T_MODEL_CHECKPOINT.F_PARAM, Jsonb.of(param))
                .set(T_MODEL_CHECKPOINT.F_META, Jsonb.of(meta))
                .set(T_MODEL_CHECKPOINT.F_CREATE_TIME, now)
                .execute();
    }

    /** Every model of every step the owner saved, by step index then model name. */
    public List<CheckpointModel> list(CheckpointOwner owner) {
        return dsl.selectFrom(T_MODEL_CHECKPOINT).where(of(owner))
                .orderBy(T_MODEL_CHECKPOINT.F_STEP_INDEX, T_MODEL_CHECKPOINT.F_MODEL_NAME)
                .fetch(CheckpointStore::model);
    }

    private static Condition of(CheckpointOwner o) {
        return T_MODEL_CHECKPOINT.F_JOB_ID.eq(o.jobId()).and(T_MODEL_CHECKPOINT.F_COMPONENT_NAME.eq(o.componentName()))
                .and(T_MODEL_CHECKPOINT.F_ROLE.eq(o.role())).and(T_MODEL_CHECKPOINT.F_PARTY_ID.eq(o.partyId()));
    }

    private static CheckpointModel model(TModelCheckpointRecord r) {
        return new CheckpointModel(r.getFStepIndex(), r.getFStepName(), r.getFModelName(), r.getFModule(),
                Json.parse(r.getFParam().data()), Json.parse(r.getFMeta().data()), r.getFCreateTime());
    }
}
