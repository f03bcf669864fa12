package io.fedflow.node.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.testing.LocalJobs;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.node.testing.PipelineCsv;
import io.fedflow.proto.v1.DataViewQueryRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real local LR job's outputs as FATE's clients read them: its predictions downloaded as FATE's client
 * does, then parsed the way FATE's pipeline ({@code JobInvoker.to_pandas}) parses them (skip the first
 * line, split on ',', predict_detail is the columns between predict_score and type joined back with ','
 * and its single quotes made double), and its output data records as `flow job view` asks for them.
 */
class LocalJobOutputsTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    private static String jobId;

    @BeforeAll
    static void runTheLocalLrJob() {
        jobId = LocalJobs.trainBreast(node.http());
    }

    @Test
    void lrPredictionsParseAsFatesPipelineParsesThem() {
        List<PipelineCsv.Prediction> rows = PipelineCsv.predictions(download("lr_0"), "data");
        assertThat(rows).hasSize(569);
        for (PipelineCsv.Prediction p : rows) {
            PipelineCsv.assertBinary(p, "train");
        }
    }

    @Test
    void commaTablesAreWrittenAsTheyAreStored() throws IOException {
        List<String> lines = new String(download("data_transform_0").get("data.csv"), StandardCharsets.UTF_8)
                .lines().toList();
        assertThat(lines.get(0)).startsWith("id,y,x0,");
        assertThat(lines.get(1).split(",", -1)).hasSize(lines.get(0).split(",").length);
    }

    @Test
    void jobViewListsEveryOutputDataRecord() {
        // as `flow job view -j J -r local -p 0 -s success` sends it (status is no column of these records)
        JsonNode r = node.http().post("/v1/job/data/view/query", Map.of("job_id", jobId, "role", "local",
                "party_id", "0", "status", "success"));
        assertThat(r.get("retcode").asInt()).as(r.toString()).isZero();
        List<String> components = new ArrayList<>();
        for (JsonNode row : r.get("data")) {
            components.add(row.get("f_component_name").asText());
            assertThat(row.get("f_job_id").asText()).isEqualTo(jobId);
            assertThat(row.get("f_role").asText()).isEqualTo("local");
            assertThat(row.get("f_party_id").asText()).isEqualTo("0");
            assertThat(row.get("f_data_name").asText()).isEqualTo("data");
            assertThat(row.get("f_task_id").asText()).isEqualTo(jobId + "_" + row.get("f_component_name").asText());
            assertThat(row.get("f_task_version").asLong()).isZero();
            assertThat(row.get("f_table_name").asText()).isNotEmpty();
            assertThat(row.get("f_table_namespace").asText()).isNotEmpty();
            assertThat(row.get("f_create_date").asText()).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
        }
        // Evaluation writes no data
        assertThat(components).containsExactlyInAnyOrder("reader_0", "data_transform_0", "feature_scale_0", "lr_0");

        // the SDK's form: party_id an int and a local object; a component filter
        JsonNode lr = node.http().post("/v1/job/data/view/query", Map.of("job_id", jobId, "role", "local",
                "party_id", 0, "component_name", "lr_0", "local", Map.of("role", "local", "party_id", 0)));
        assertThat(lr.get("data").size()).as(lr.toString()).isEqualTo(1);
        // the table it names is the one output/data/table names
        JsonNode table = node.http().post("/v1/tracking/component/output/data/table", Map.of("job_id", jobId,
                "role", "local", "party_id", "0", "component_name", "lr_0"));
        assertThat(lr.at("/data/0/f_table_name").asText()).isEqualTo(table.at("/data/0/table_name").asText());
    }

    @Test
    void jobViewRefusals() {
        JsonNode noJob = node.http().post("/v1/job/data/view/query", Map.of("role", "local", "party_id", "0"));
        assertThat(noJob.get("retcode").asInt()).as(noJob.toString()).isEqualTo(101);
        assertThat(noJob.get("retmsg").asText()).contains("job_id");
        for (Map<String, Object> none : List.<Map<String, Object>>of(Map.of("job_id", "20200101000000000000"),
                Map.of("job_id", jobId, "component_name", "evaluation_0"), Map.of("job_id", jobId, "role", "guest"))) {
            JsonNode r = node.http().post("/v1/job/data/view/query", none);
            assertThat(r.get("retcode").asInt()).as(r.toString()).isEqualTo(101);
            assertThat(r.get("retmsg").asText()).startsWith("find data view failed");
        }
        JsonNode badVersion = node.http().post("/v1/job/data/view/query", Map.of("job_id", jobId,
                "task_version", "latest"));
        assertThat(badVersion.get("retcode").asInt()).isEqualTo(101);
        assertThat(badVersion.get("retmsg").asText()).contains("task_version");
    }

    @Test
    void jobViewOverGrpc() {
        FlowResponse r = TrackingServiceGrpc.newBlockingStub(node.channel()).dataViewQuery(
                DataViewQueryRequest.newBuilder().setJobId(jobId).setComponentName("reader_0").setTaskVersion(0)
                        .build());
        assertThat(r.getRetcode()).isZero();
        assertThat(r.getData().getListValue().getValuesCount()).isEqualTo(1);
        StatusRuntimeException none = Assertions.catchThrowableOfType(
                () -> TrackingServiceGrpc.newBlockingStub(node.channel()).dataViewQuery(
                        DataViewQueryRequest.newBuilder().setJobId(jobId).setTaskVersion(1).build()),
                StatusRuntimeException.class);
        assertThat(none.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static Map<String, byte[]> download(String component) {
        return PipelineCsv.download(node.http(), Map.of("job_id", jobId, "role", "local", "party_id", "0",
                "component_name", component, "output_path", "/tmp/out"));
    }
}
