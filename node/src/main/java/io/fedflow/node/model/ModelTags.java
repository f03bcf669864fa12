package io.fedflow.node.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * FATE's model tags: what each /v1/model/tag and /v1/model/model_tag call does and answers. A model version is
 * a job id at this node. FATE raises its refusals (unknown tag, duplicate name, unknown model) as exceptions,
 * which its clients read as retcode 100; they keep that retcode here, with a kind that tells gRPC callers
 * apart; a missing field is 101, as FATE's argument checks answer.
 */
public final class ModelTags {
    /** FATE's CLI asks for 10 tags unless told otherwise. */
    static final int DEFAULT_LIST_LIMIT = 10;

    /** The width of a tag's name, as FATE's column (and t_tags.f_name). */
    static final int MAX_TAG_NAME = 100;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final TagStore store;

    public ModelTags(TagStore store) {
        this.store = store;
    }

    public ModelAnswer create(String name, String description) {
        requireTagName("tag_name", name);
        if (!store.create(name, description)) {
            throw refused(FailureKind.ALREADY_EXISTS, "tag_name '" + name + "' already exists.");
        }
        return new ModelAnswer("'" + name + "' tag has been created successfully.", null);
    }

    /**
     * With {@code withModel}, the models carrying the tag; otherwise the tags whose name contains {@code name}
     * (all of them for an empty name), as FATE's {@code flow tag query} answers.
     */
    public ModelAnswer retrieve(String name, boolean withModel) {
        if (withModel) {
            Tag tag = existing(name);
            ArrayNode models = NODES.arrayNode();
            store.modelsOf(tag.id()).forEach(m -> models.addObject()
                    .put("model_id", modelId(m.roles()))
                    .put("model_version", m.modelVersion())
                    .put("role", m.role())
                    .put("party_id", m.partyId()));
            ObjectNode data = NODES.objectNode();
            data.set("models", models);
            data.put("count", models.size());
            return new ModelAnswer("success", data);
        }
        List<Tag> found = store.search(name);
        if (found.isEmpty()) {
            throw refused(FailureKind.NOT_FOUND, "No tags found: no tag_name contains '" + name + "'.");
        }
        ObjectNode data = NODES.objectNode();
        ArrayNode tags = data.putArray("tags");
        found.forEach(t -> tags.addObject().put("name", t.name()).put("description", t.description()));
        return new ModelAnswer("success", data);
    }

    /** Renames and re-describes; a new name or description left out keeps the current one. */
    public ModelAnswer update(String name, String newName, String newDescription) {
        Tag tag = existing(name);
        String targetName = newName == null || newName.isEmpty() ? tag.name() : newName;
        requireTagName("new_tag_name", targetName);
        String targetDescription = newDescription == null ? tag.description() : newDescription;
        if (targetName.equals(tag.name()) && targetDescription.equals(tag.description())) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.BAD_REQUEST,
                    "Nothing to be updated: new_tag_name and new_tag_desc are the tag's own.", null);
        }
        if (!store.update(tag.id(), targetName, targetDescription)) {
            throw refused(FailureKind.ALREADY_EXISTS, "new_tag_name '" + targetName + "' tag already exists.");
        }
        return new ModelAnswer("Information of '" + name + "' tag has been updated successfully.", null);
    }

    public ModelAnswer destroy(String name) {
        Tag tag = existing(name);
        store.delete(tag.id());
        return new ModelAnswer("'" + name + "' tag has been deleted successfully.", null);
    }

    /** At most {@code limit} tags ({@link #DEFAULT_LIST_LIMIT} when null), each with how many models carry it. */
    public ModelAnswer list(Integer limit) {
        int n = limit == null ? DEFAULT_LIST_LIMIT : limit;
        if (n <= 0) {
            throw FlowException.argument("limit must be positive, got " + n);
        }
        ObjectNode data = NODES.objectNode();
        ArrayNode tags = data.putArray("tags");
        store.list(n).forEach(t -> tags.addObject().put("name", t.name()).put("description", t.description())
                .put("model_count", t.modelCount()));
        return new ModelAnswer("success", data);
    }

    /** Tags a model version, creating the tag (without description) when it does not exist yet, as FATE does. */
    public ModelAnswer tagModel(String jobId, String name) {
        requireModel(jobId);
        requireTagName("tag_name", name);
        store.create(name, "");
        Tag tag = existing(name);
        if (!store.tagModel(jobId, tag.id())) {
            throw refused(FailureKind.ALREADY_EXISTS,
                    "Model " + jobId + " is already tagged with tag_name '" + name + "'.");
        }
        return new ModelAnswer("Adding " + name + " tag for model with job id: " + jobId + " successfully.", null);
    }

    public ModelAnswer untagModel(String jobId, String name) {
        requireModel(jobId);
        requireField("tag_name", name);
        Tag tag = existing(name);
        if (!store.untagModel(jobId, tag.id())) {
            throw refused(FailureKind.NOT_FOUND, "Model " + jobId + " does not have tag_name '" + name + "'.");
        }
        return new ModelAnswer("'" + name + "' tag has been removed from tag list of model " + jobId + ".", null);
    }

    /** The tags of a model version: {@code {tags: [{name, description}], count}}. */
    public ModelAnswer modelTags(String jobId) {
        requireModel(jobId);
        ObjectNode data = NODES.objectNode();
        ArrayNode tags = data.putArray("tags");
        store.tagsOf(jobId).forEach(t -> tags.addObject().put("name", t.name()).put("description", t.description()));
        data.put("count", tags.size());
        return new ModelAnswer("success", data);
    }

    /**
     * FATE's model id from the job's roles: each role (by name) with its sorted party ids,
     * {@code arbiter-10000#guest-9999#host-10000#model}.
     */
    static String modelId(JsonNode roles) {
        TreeSet<String> roleNames = new TreeSet<>();
        roles.fieldNames().forEachRemaining(roleNames::add);
        List<String> parts = new ArrayList<>();
        roleNames.forEach(role -> {
            TreeSet<String> parties = new TreeSet<>();
            roles.get(role).forEach(p -> parties.add(p.asText()));
            parts.add(role + "-" + String.join("_", parties));
        });
        parts.add("model");
        return String.join("#", parts);
    }

    private Tag existing(String name) {
        requireField("tag_name", name);
        return store.find(name).orElseThrow(() -> refused(FailureKind.NOT_FOUND,
                "Cannot find tag_name '" + name + "'."));
    }

    private void requireModel(String jobId) {
        requireField("job_id", jobId);
        if (!store.jobExists(jobId)) {
            throw refused(FailureKind.NOT_FOUND,
                    "Cannot find a model by job_id '" + jobId + "': no such job at this node.");
        }
    }

    private static void requireTagName(String field, String name) {
        requireField(field, name);
        if (name.length() > MAX_TAG_NAME) {
            throw FlowException.argument(field + " is longer than " + MAX_TAG_NAME + " characters (" + name.length()
                    + ")");
        }
    }

    private static void requireField(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FlowException.argument("required argument are missing: " + field);
        }
    }

    private static FlowException refused(FailureKind kind, String message) {
        return new FlowException(RetCode.EXCEPTION_ERROR, kind, message, null);
    }
}
