package io.fedflow.node.model;

import static io.fedflow.node.store.generated.Tables.T_JOB;
import static io.fedflow.node.store.generated.Tables.T_MODEL_TAG;
import static io.fedflow.node.store.generated.Tables.T_TAGS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.FateJson;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/** Model tags and the model versions (job ids) that carry them, in the node's PostgreSQL. */
public final class TagStore {
    private static final Field<Integer> MODEL_COUNT = DSL.field(DSL.selectCount().from(T_MODEL_TAG)
            .where(T_MODEL_TAG.F_TAG_ID.eq(T_TAGS.F_ID))).as("model_count");

    private final DSLContext dsl;
    private final Clock clock;

    public TagStore(DSLContext dsl, Clock clock) {
        this.dsl = dsl;
        this.clock = clock;
    }

    /** Creates the tag; false when a tag of that name exists. */
    public boolean create(String name, String description) {
        long now = clock.millis();
        return dsl.insertInto(T_TAGS)
                .set(T_TAGS.F_NAME, name)
                .set(T_TAGS.F_DESC, description)
                .set(T_TAGS.F_CREATE_TIME, now)
                .set(T_TAGS.F_UPDATE_TIME, now)
                .onConflictDoNothing()
                .execute() == 1;
    }

    public Optional<Tag> find(String name) {
        return dsl.select(T_TAGS.F_ID, T_TAGS.F_NAME, T_TAGS.F_DESC, MODEL_COUNT).from(T_TAGS)
                .where(T_TAGS.F_NAME.eq(name)).fetchOptional(TagStore::tag);
    }

    /** The tags whose name contains {@code part}, by name. */
    public List<Tag> search(String part) {
        return dsl.select(T_TAGS.F_ID, T_TAGS.F_NAME, T_TAGS.F_DESC, MODEL_COUNT).from(T_TAGS)
                .where(T_TAGS.F_NAME.contains(part)).orderBy(T_TAGS.F_NAME).fetch(TagStore::tag);
    }

    /** At most {@code limit} tags, oldest first (FATE lists them in insertion order). */
    public List<Tag> list(int limit) {
        return dsl.select(T_TAGS.F_ID, T_TAGS.F_NAME, T_TAGS.F_DESC, MODEL_COUNT).from(T_TAGS)
                .orderBy(T_TAGS.F_ID).limit(limit).fetch(TagStore::tag);
    }

    /**
     * Renames and re-describes the tag in one statement; false when another tag has the new name (the
     * unique name decides, so two concurrent renames cannot both take it).
     */
    public boolean update(long id, String name, String description) {
        return dsl.update(T_TAGS)
                .set(T_TAGS.F_NAME, name)
                .set(T_TAGS.F_DESC, description)
                .set(T_TAGS.F_UPDATE_TIME, clock.millis())
                .where(T_TAGS.F_ID.eq(id))
                .andNotExists(DSL.selectOne().from(T_TAGS.as("other"))
                        .where(T_TAGS.as("other").F_NAME.eq(name), T_TAGS.as("other").F_ID.ne(id)))
                .execute() == 1;
    }

    /** Deletes the tag; its model links go with it (ON DELETE CASCADE). */
    public boolean delete(long id) {
        return dsl.deleteFrom(T_TAGS).where(T_TAGS.F_ID.eq(id)).execute() == 1;
    }

    /** Whether a job of that id exists at this node, in any role. */
    public boolean jobExists(String jobId) {
        return dsl.fetchExists(dsl.selectOne().from(T_JOB).where(T_JOB.F_JOB_ID.eq(jobId)));
    }

    /** Tags the model version; false when it carries the tag already. */
    public boolean tagModel(String modelVersion, long tagId) {
        return dsl.insertInto(T_MODEL_TAG)
                .set(T_MODEL_TAG.F_MODEL_VERSION, modelVersion)
                .set(T_MODEL_TAG.F_TAG_ID, tagId)
                .set(T_MODEL_TAG.F_CREATE_TIME, clock.millis())
                .onConflictDoNothing()
                .execute() == 1;
    }

    /** Removes the tag from the model version; false when it did not carry it. */
    public boolean untagModel(String modelVersion, long tagId) {
        return dsl.deleteFrom(T_MODEL_TAG)
                .where(T_MODEL_TAG.F_MODEL_VERSION.eq(modelVersion), T_MODEL_TAG.F_TAG_ID.eq(tagId))
                .execute() == 1;
    }

    /** The tags of a model version, by name. */
    public List<Tag> tagsOf(String modelVersion) {
        return dsl.select(T_TAGS.F_ID, T_TAGS.F_NAME, T_TAGS.F_DESC, MODEL_COUNT).from(T_TAGS)
                .join(T_MODEL_TAG).on(T_MODEL_TAG.F_TAG_ID.eq(T_TAGS.F_ID))
                .where(T_MODEL_TAG.F_MODEL_VERSION.eq(modelVersion))
                .orderBy(T_TAGS.F_NAME).fetch(TagStore::tag);
    }

    /** The model versions carrying the tag, one row per role and party this node holds of each. */
    public List<TaggedModel> modelsOf(long tagId) {
        return dsl.select(T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID, T_JOB.F_ROLES).from(T_MODEL_TAG)
                .join(T_JOB).on(T_JOB.F_JOB_ID.eq(T_MODEL_TAG.F_MODEL_VERSION))
                .where(T_MODEL_TAG.F_TAG_ID.eq(tagId))
                .orderBy(T_JOB.F_JOB_ID, T_JOB.F_ROLE, T_JOB.F_PARTY_ID)
                .fetch(r -> new TaggedModel(r.get(T_JOB.F_JOB_ID), r.get(T_JOB.F_ROLE), r.get(T_JOB.F_PARTY_ID),
                        roles(r.get(T_JOB.F_ROLES).data())));
    }

    private static JsonNode roles(String json) {
        try {
            return FateJson.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tag tag(Record r) {
        return new Tag(r.get(T_TAGS.F_ID), r.get(T_TAGS.F_NAME), r.get(T_TAGS.F_DESC), r.get(MODEL_COUNT));
    }
}
