package io.fedflow.node.model;

import static io.fedflow.node.store.generated.Tables.T_COMPONENT_MODEL;
import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_MODEL_COMPONENT;
import static io.fedflow.node.store.generated.Tables.T_PIPELINE_MODEL;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.store.Jsonb;
import io.fedflow.node.wire.FateJson;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** The pipeline models this node holds and their component models, in the node's PostgreSQL. */
public final class ModelRegistryStore {
    private static final String SUCCESS = "success";

    private final DSLContext dsl;

    public ModelRegistryStore(DSLContext dsl) {
        this.dsl = dsl;
    }

    /**
     * Records a train job that succeeded here as a model at each of its roles and parties at this node, with
     * the models its components saved; a job recorded before (a rerun that succeeded again) is recorded anew.
     * Upload and download jobs and predict jobs (whose model version is another job's id) make no model.
     * Returns how many role-and-party models were recorded. Runs in the caller's transaction {@code t}: the
     * job store calls it in the one that moves the job to success.
     */
    public static int recordTrainJob(DSLContext t, String jobId) {
        t.deleteFrom(T_PIPELINE_MODEL).where(T_PIPELINE_MODEL.F_MODEL_VERSION.eq(jobId),
                T_PIPELINE_MODEL.F_JOB_ID.eq(jobId)).execute();
        int rows = t.insertInto(T_PIPELINE_MODEL, T_PIPELINE_MODEL.F_MODEL_ID, T_PIPELINE_MODEL.F_MODEL_VERSION,
                        T_PIPELINE_MODEL.F_ROLE, T_PIPELINE_MODEL.F_PARTY_ID, T_PIPELINE_MODEL.F_JOB_ID,
                        T_PIPELINE_MODEL.F_ROLES, T_PIPELINE_MODEL.F_INITIATOR_ROLE,
                        T_PIPELINE_MODEL.F_INITIATOR_PARTY_ID, T_PIPELINE_MODEL.F_TRAIN_DSL,
                        T_PIPELINE_MODEL.F_RUNTIME_CONF, T_PIPELINE_MODEL.F_TRAIN_RUNTIME_CONF,
                        T_PIPELINE_MODEL.F_DESCRIPTION, T_PIPELINE_MODEL.F_CREATE_TIME,
                        T_PIPELINE_MODEL.F_UPDATE_TIME)
                .select(DSL.select(T_JOB.F_MODEL_ID, T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID, T_JOB.F_JOB_ID,
                                T_JOB.F_ROLES, T_JOB.F_INITIATOR_ROLE, T_JOB.F_INITIATOR_PARTY_ID, T_JOB.F_DSL,
                                T_JOB.F_RUNTIME_CONF, T_JOB.F_TRAIN_RUNTIME_CONF, T_JOB.F_DESCRIPTION,
                                T_JOB.F_CREATE_TIME, T_JOB.F_UPDATE_TIME)
                        .from(T_JOB)
                        .where(T_JOB.F_JOB_ID.eq(jobId), T_JOB.F_STATUS.eq(SUCCESS), T_JOB.F_INLINE.isFalse(),
                                T_JOB.F_MODEL_VERSION.eq(T_JOB.F_JOB_ID), T_JOB.F_MODEL_ID.ne("")))
                .execute();
        t.insertInto(T_MODEL_COMPONENT, T_MODEL_COMPONENT.F_MODEL_ID, T_MODEL_COMPONENT.F_MODEL_VERSION,
                        T_MODEL_COMPONENT.F_ROLE, T_MODEL_COMPONENT.F_PARTY_ID,
                        T_MODEL_COMPONENT.F_COMPONENT_NAME, T_MODEL_COMPONENT.F_MODEL_NAME,
                        T_MODEL_COMPONENT.F_MODULE, T_MODEL_COMPONENT.F_PARAM, T_MODEL_COMPONENT.F_META)
                .select(DSL.select(T_PIPELINE_MODEL.F_MODEL_ID, T_PIPELINE_MODEL.F_MODEL_VERSION,
                                T_PIPELINE_MODEL.F_ROLE, T_PIPELINE_MODEL.F_PARTY_ID,
                                T_COMPONENT_MODEL.F_COMPONENT_NAME, T_COMPONENT_MODEL.F_MODEL_NAME,
                                T_COMPONENT_MODEL.F_MODULE, T_COMPONENT_MODEL.F_PARAM, T_COMPONENT_MODEL.F_META)
                        .from(T_PIPELINE_MODEL)
                        .join(T_COMPONENT_MODEL).on(T_COMPONENT_MODEL.F_JOB_ID.eq(T_PIPELINE_MODEL.F_JOB_ID),
                                T_COMPONENT_MODEL.F_ROLE.eq(T_PIPELINE_MODEL.F_ROLE),
                                T_COMPONENT_MODEL.F_PARTY_ID.eq(T_PIPELINE_MODEL.F_PARTY_ID))
                        .where(T_PIPELINE_MODEL.F_MODEL_VERSION.eq(jobId), T_PIPELINE_MODEL.F_JOB_ID.eq(jobId)))
                .execute();
        return rows;
    }

    /** The models matching each non-empty argument, by version, role and party. */
    public List<PipelineModel> find(String modelId, String modelVersion, String role, String partyId,
                                    String jobId) {
        List<Condition> where = new ArrayList<>();
        if (!modelId.isEmpty()) {
            where.add(T_PIPELINE_MODEL.F_MODEL_ID.eq(modelId));
        }
        if (!modelVersion.isEmpty()) {
            where.add(T_PIPELINE_MODEL.F_MODEL_VERSION.eq(modelVersion));
        }
        if (!role.isEmpty()) {
            where.add(T_PIPELINE_MODEL.F_ROLE.eq(role));
        }
        if (!partyId.isEmpty()) {
            where.add(T_PIPELINE_MODEL.F_PARTY_ID.eq(partyId));
        }
        if (!jobId.isEmpty()) {
            where.add(T_PIPELINE_MODEL.F_JOB_ID.eq(jobId));
        }
        return dsl.selectFrom(T_PIPELINE_MODEL).where(where)
                .orderBy(T_PIPELINE_MODEL.F_MODEL_VERSION, T_PIPELINE_MODEL.F_ROLE, T_PIPELINE_MODEL.F_PARTY_ID)
                .fetch(ModelRegistryStore::model);
    }

    /**
     * {@code limit} models from row {@code offset} of every model, newest first: by create time, then version,
     * descending; role, party and model id break the remaining ties so that pages never overlap.
     */
    public List<PipelineModel> newestFirst(long offset, int limit) {
        return dsl.selectFrom(T_PIPELINE_MODEL)
                .orderBy(T_PIPELINE_MODEL.F_CREATE_TIME.desc(), T_PIPELINE_MODEL.F_MODEL_VERSION.desc(),
                        T_PIPELINE_MODEL.F_ROLE, T_PIPELINE_MODEL.F_PARTY_ID, T_PIPELINE_MODEL.F_MODEL_ID)
                .offset(offset).limit(limit)
                .fetch(ModelRegistryStore::model);
    }

    /** How many models this node holds, at all roles and parties. */
    public int count() {
        return dsl.fetchCount(T_PIPELINE_MODEL);
    }

    public Optional<PipelineModel> find(String modelId, String modelVersion, String role, String partyId) {
        return dsl.selectFrom(T_PIPELINE_MODEL)
                .where(T_PIPELINE_MODEL.F_MODEL_ID.eq(modelId), T_PIPELINE_MODEL.F_MODEL_VERSION.eq(modelVersion),
                        T_PIPELINE_MODEL.F_ROLE.eq(role), T_PIPELINE_MODEL.F_PARTY_ID.eq(partyId))
                .fetchOptional(ModelRegistryStore::model);
    }

    /** The models a component of one pipeline model saved, by component then model name. */
    public List<ComponentModel> components(String modelId, String modelVersion, String role, String partyId) {
        return dsl.selectFrom(T_MODEL_COMPONENT)
                .where(T_MODEL_COMPONENT.F_MODEL_ID.eq(modelId), T_MODEL_COMPONENT.F_MODEL_VERSION.eq(modelVersion),
                        T_MODEL_COMPONENT.F_ROLE.eq(role), T_MODEL_COMPONENT.F_PARTY_ID.eq(partyId))
                .orderBy(T_MODEL_COMPONENT.F_COMPONENT_NAME, T_MODEL_COMPONENT.F_MODEL_NAME)
                .fetch(r -> new ComponentModel(r.getFComponentName(), r.getFModelName(), r.getFModule(),
                        json(r.getFParam()), json(r.getFMeta())));
    }

    /**
     * Saves a model with its component models in one transaction; returns false (and writes nothing) when
     * the model exists and {@code replace} is false. Replacing drops the old component models first.
     */
    public boolean save(PipelineModel m, List<ComponentModel> components, boolean replace) {
        return dsl.transactionResult(tx -> {
            DSLContext t = tx.dsl();
            Condition key = T_PIPELINE_MODEL.F_MODEL_ID.eq(m.modelId())
                    .and(T_PIPELINE_MODEL.F_MODEL_VERSION.eq(m.modelVersion()))
                    .and(T_PIPELINE_MODEL.F_ROLE.eq(m.role())).and(T_PIPELINE_MODEL.F_PARTY_ID.eq(m.partyId()));
            if (replace) {
                t.deleteFrom(T_PIPELINE_MODEL).where(key).execute();
            }
            int inserted = t.insertInto(T_PIPELINE_MODEL)
                    .set(T_PIPELINE_MODEL.F_MODEL_ID, m.modelId())
                    .set(T_PIPELINE_MODEL.F_MODEL_VERSION, m.modelVersion())
                    .set(T_PIPELINE_MODEL.F_ROLE, m.role())
                    .set(T_PIPELINE_MODEL.F_PARTY_ID, m.partyId())
                    .set(T_PIPELINE_MODEL.F_JOB_ID, m.jobId())
                    .set(T_PIPELINE_MODEL.F_PARENT_VERSION, m.parentVersion())
                    .set(T_PIPELINE_MODEL.F_ROLES, Jsonb.of(m.roles()))
                    .set(T_PIPELINE_MODEL.F_INITIATOR_ROLE, m.initiatorRole())
                    .set(T_PIPELINE_MODEL.F_INITIATOR_PARTY_ID, m.initiatorPartyId())
                    .set(T_PIPELINE_MODEL.F_TRAIN_DSL, Jsonb.of(m.trainDsl()))
                    .set(T_PIPELINE_MODEL.F_INFERENCE_DSL, Jsonb.of(m.inferenceDsl()))
                    .set(T_PIPELINE_MODEL.F_RUNTIME_CONF, Jsonb.of(m.runtimeConf()))
                    .set(T_PIPELINE_MODEL.F_TRAIN_RUNTIME_CONF, Jsonb.of(m.trainRuntimeConf()))
                    .set(T_PIPELINE_MODEL.F_DESCRIPTION, m.description())
                    .set(T_PIPELINE_MODEL.F_CREATE_TIME, m.createTime())
                    .set(T_PIPELINE_MODEL.F_UPDATE_TIME, m.updateTime())
                    .onConflictDoNothing()
                    .execute();
            if (inserted == 0) {
                return false;
            }
            for (ComponentModel c : components) {
                t.insertInto(T_MODEL_COMPONENT)
                        .set(T_MODEL_COMPONENT.F_MODEL_ID, m.modelId())
                        .set(T_MODEL_COMPONENT.F_MODEL_VERSION, m.modelVersion())
                        .set(T_MODEL_COMPONENT.F_ROLE, m.role())
                        .set(T_MODEL_COMPONENT.F_PARTY_ID, m.partyId())
                        .set(T_MODEL_COMPONENT.F_COMPONENT_NAME, c.componentName())
                        .set(T_MODEL_COMPONENT.F_MODEL_NAME, c.modelName())
                        .set(T_MODEL_COMPONENT.F_MODULE, c.module())
                        .set(T_MODEL_COMPONENT.F_PARAM, Jsonb.of(c.param()))
                        .set(T_MODEL_COMPONENT.F_META, Jsonb.of(c.meta()))
                        .execute();
            }
            return true;
        });
    }

    /** Deletes one model with its component models; returns whether it was there. */
    public boolean delete(String modelId, String modelVersion, String role, String partyId) {
        return dsl.deleteFrom(T_PIPELINE_MODEL)
                .where(T_PIPELINE_MODEL.F_MODEL_ID.eq(modelId), T_PIPELINE_MODEL.F_MODEL_VERSION.eq(modelVersion),
                        T_PIPELINE_MODEL.F_ROLE.eq(role), T_PIPELINE_MODEL.F_PARTY_ID.eq(partyId))
                .execute() > 0;
    }

    /** The FATE status of a model's train job at this node, for query rows; empty when the job is gone. */
    public Optional<String> jobStatus(String jobId) {
        return dsl.select(T_JOB.F_STATUS).from(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId)).limit(1)
                .fetchOptional(T_JOB.F_STATUS);
    }

    private static PipelineModel model(Record rec) {
        var r = rec.into(T_PIPELINE_MODEL);
        return new PipelineModel(r.getFModelId(), r.getFModelVersion(), r.getFRole(), r.getFPartyId(), r.getFJobId(),
                r.getFParentVersion(), json(r.getFRoles()), r.getFInitiatorRole(), r.getFInitiatorPartyId(),
                json(r.getFTrainDsl()), json(r.getFInferenceDsl()), json(r.getFRuntimeConf()),
                json(r.getFTrainRuntimeConf()), r.getFDescription(), r.getFCreateTime(), r.getFUpdateTime());
    }

    private static JsonNode json(JSONB value) {
        try {
            return FateJson.MAPPER.readTree(value.data());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
