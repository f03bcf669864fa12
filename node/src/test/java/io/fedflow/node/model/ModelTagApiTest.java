package io.fedflow.node.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TagRequest;
import io.fedflow.proto.v1.TagServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** FATE's model tags over JSON (/v1/model/tag/*, /v1/model/model_tag/*) and gRPC, on a real job id. */
class ModelTagApiTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static String jobId;

    @BeforeAll
    static void submitAJobToTag() {
        assertThat(LocalJobs.uploadBreast(node.http()).get("retcode").asInt()).isZero();
        JsonNode submitted = LocalJobs.submit(node.http());
        assertThat(submitted.get("retcode").asInt()).as(submitted.toString()).isZero();
        jobId = submitted.get("jobId").asText();
    }

    @Test
    void aTagLivesThroughCreateTagRetrieveUpdateUntagAndDestroy() {
        ok(post("/v1/model/tag/create", Map.of("tag_name", "life", "tag_desc", "first")));
        assertThat(tagInList("life").get("model_count").asInt()).isZero();
        assertThat(tagInList("life").get("description").asText()).isEqualTo("first");

        JsonNode tagged = ok(post("/v1/model/model_tag/create", Map.of("job_id", jobId, "tag_name", "life")));
        assertThat(tagged.get("retmsg").asText()).contains("life", jobId);
        JsonNode ofModel = ok(post("/v1/model/model_tag/retrieve", Map.of("job_id", jobId)));
        assertThat(ofModel.at("/data/count").asInt()).isEqualTo(1);
        assertThat(ofModel.at("/data/tags/0/name").asText()).isEqualTo("life");
        assertThat(ofModel.at("/data/tags/0/description").asText()).isEqualTo("first");
        assertThat(tagInList("life").get("model_count").asInt()).isEqualTo(1);

        JsonNode models = ok(post("/v1/model/tag/retrieve", Map.of("tag_name", "life", "with_model", true)));
        assertThat(models.at("/data/count").asInt()).isEqualTo(1);
        assertThat(models.at("/data/models/0/model_version").asText()).isEqualTo(jobId);
        assertThat(models.at("/data/models/0/model_id").asText()).isEqualTo("local-0#model");
        assertThat(models.at("/data/models/0/role").asText()).isEqualTo("local");
        assertThat(models.at("/data/models/0/party_id").asText()).isEqualTo("0");

        ok(post("/v1/model/tag/update", Map.of("tag_name", "life", "new_tag_name", "life2", "new_tag_desc", "second")));
        JsonNode found = ok(post("/v1/model/tag/retrieve", Map.of("tag_name", "life2")));
        assertThat(found.at("/data/tags/0/name").asText()).isEqualTo("life2");
        assertThat(found.at("/data/tags/0/description").asText()).isEqualTo("second");
        // the model keeps the renamed tag
        assertThat(post("/v1/model/model_tag/retrieve", Map.of("job_id", jobId)).at("/data/tags/0/name").asText())
                .isEqualTo("life2");

        ok(post("/v1/model/model_tag/remove", Map.of("job_id", jobId, "tag_name", "life2")));
        assertThat(post("/v1/model/model_tag/retrieve", Map.of("job_id", jobId)).at("/data/count").asInt()).isZero();
        ok(post("/v1/model/tag/destroy", Map.of("tag_name", "life2")));
        assertRefused(post("/v1/model/tag/retrieve", Map.of("tag_name", "life2")), 100, "tag_name", "life2");
    }

    @Test
    void taggingCreatesAMissingTagAndDestroyingATagUntagsItsModels() {
        ok(post("/v1/model/model_tag/create", Map.of("job_id", jobId, "tag_name", "implicit")));
        assertThat(tagInList("implicit").get("model_count").asInt()).isEqualTo(1);
        ok(post("/v1/model/tag/destroy", Map.of("tag_name", "implicit")));
        assertThat(post("/v1/model/model_tag/retrieve", Map.of("job_id", jobId)).at("/data/tags").toString())
                .doesNotContain("implicit");
    }

    @Test
    void badTagCallsAreRefusedNamingTheField() {
        ok(post("/v1/model/tag/create", Map.of("tag_name", "dup", "tag_desc", "d")));
        ok(post("/v1/model/tag/create", Map.of("tag_name", "other")));
        assertRefused(post("/v1/model/tag/create", Map.of("tag_name", "dup")), 100, "tag_name", "dup", "exists");
        assertRefused(post("/v1/model/tag/create", Map.of("tag_desc", "no name")), 101, "tag_name");
        assertRefused(post("/v1/model/tag/update", Map.of("tag_name", "dup", "new_tag_name", "other")), 100,
                "new_tag_name", "other", "exists");
        assertRefused(post("/v1/model/tag/update", Map.of("tag_name", "dup", "new_tag_desc", "d")), 100,
                "Nothing to be updated");
        assertRefused(post("/v1/model/tag/update", Map.of("tag_name", "ghost", "new_tag_desc", "x")), 100,
                "tag_name", "ghost");
        assertRefused(post("/v1/model/tag/destroy", Map.of("tag_name", "ghost")), 100, "tag_name", "ghost");
        assertRefused(post("/v1/model/tag/retrieve", Map.of("tag_name", "ghost", "with_model", true)), 100,
                "tag_name", "ghost");
        assertRefused(post("/v1/model/tag/retrieve", Map.of("tag_name", "no-tag-has-this")), 100, "No tags found");
        assertRefused(post("/v1/model/tag/list", Map.of("limit", 0)), 101, "limit");
        assertRefused(post("/v1/model/tag/create", Map.of("tag_name", "n".repeat(101))), 101, "tag_name", "100");
        assertRefused(post("/v1/model/tag/update", Map.of("tag_name", "dup", "new_tag_name", "n".repeat(101))), 101,
                "new_tag_name", "100");
        assertRefused(post("/v1/model/model_tag/create", Map.of("job_id", jobId, "tag_name", "n".repeat(101))), 101,
                "tag_name", "100");
        // nothing half-done: the refused rename left both tags as they were
        assertThat(tagInList("dup").get("description").asText()).isEqualTo("d");
        assertThat(tagInList("other")).isNotNull();
    }

    @Test
    void badModelTagCallsAreRefusedNamingTheField() {
        assertRefused(post("/v1/model/model_tag/create", Map.of("job_id", "202612040000000000001", "tag_name", "t")),
                100, "job_id", "202612040000000000001");
        assertRefused(post("/v1/model/model_tag/retrieve", Map.of("job_id", "202612040000000000001")), 100, "job_id");
        assertRefused(post("/v1/model/model_tag/create", Map.of("tag_name", "t")), 101, "job_id");
        assertRefused(post("/v1/model/model_tag/create", Map.of("job_id", jobId)), 101, "tag_name");
        assertRefused(post("/v1/model/model_tag/remove", Map.of("job_id", jobId, "tag_name", "ghost")), 100,
                "tag_name", "ghost");

        ok(post("/v1/model/model_tag/create", Map.of("job_id", jobId, "tag_name", "twice")));
        assertRefused(post("/v1/model/model_tag/create", Map.of("job_id", jobId, "tag_name", "twice")), 100,
                "tag_name", "twice", "already");
        ok(post("/v1/model/model_tag/remove", Map.of("job_id", jobId, "tag_name", "twice")));
        assertRefused(post("/v1/model/model_tag/remove", Map.of("job_id", jobId, "tag_name", "twice")), 100,
                "does not have", "twice");
    }

    @Test
    void listHonoursItsLimit() {
        for (String name : new String[] {"lim1", "lim2", "lim3"}) {
            ok(post("/v1/model/tag/create", Map.of("tag_name", name)));
        }
        assertThat(ok(post("/v1/model/tag/list", Map.of("limit", 2))).at("/data/tags").size()).isEqualTo(2);
    }

    @Test
    void theTagServiceAnswersOverGrpcWithFateRetcodes() {
        TagServiceGrpc.TagServiceBlockingStub tags = TagServiceGrpc.newBlockingStub(node.channel());
        FlowResponse created = tags.create(TagRequest.newBuilder().setTagName("grpc").setTagDesc("over gRPC").build());
        assertThat(created.getRetcode()).as(created.toString()).isZero();
        FlowResponse listed = tags.list(TagRequest.newBuilder().setLimit(1000).build());
        assertThat(listed.getData().getStructValue().getFieldsOrThrow("tags").getListValue().getValuesList())
                .anySatisfy(t -> {
                    assertThat(t.getStructValue().getFieldsOrThrow("name").getStringValue()).isEqualTo("grpc");
                    assertThat(t.getStructValue().getFieldsOrThrow("model_count").getNumberValue()).isZero();
                });
        assertThatThrownBy(() -> tags.destroy(TagRequest.newBuilder().setTagName("ghost").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                    assertThat(e.getStatus().getDescription()).contains("tag_name", "ghost");
                    assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("100");
                });
    }

    private static JsonNode tagInList(String name) {
        for (JsonNode t : ok(post("/v1/model/tag/list", Map.of("limit", 1000))).at("/data/tags")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no tag " + name + " in the list");
    }

    private static JsonNode post(String path, Map<String, ?> body) {
        return node.http().post(path, body);
    }

    private static JsonNode ok(JsonNode answer) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isZero();
        return answer;
    }

    private static void assertRefused(JsonNode answer, int retcode, String... mentions) {
        assertThat(answer.get("retcode").asInt()).as(answer.toString()).isEqualTo(retcode);
        assertThat(answer.get("retmsg").asText()).contains(mentions);
    }
}
