package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.node.testing.GrpcUploads;
import io.fedflow.node.testing.LogCapture;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.BindTableRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.fedflow.proto.v1.UploadConf;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A gRPC client gets the string checks a JSON client gets: a NUL anywhere, or a control character in a
 * name-like field, is refused with INVALID_ARGUMENT and fate-retcode 101 naming the field, before any SQL
 * (nothing reaches the database, so nothing is logged as a database failure).
 */
class GrpcStringChecksTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    static void assertRefused(ThrowingCallable call, String... mentions) {
        try (LogCapture log = new LogCapture()) {
            assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");
                assertThat(e.getStatus().getDescription()).contains(mentions).doesNotContain("database");
            });
            assertThat(log.text()).doesNotContain("database", "SQLSTATE");
        }
    }

    @Test
    void aNulInATableNameIsRefusedBeforeAnySql() {
        assertRefused(() -> TableServiceGrpc.newBlockingStub(node.channel()).tableInfo(
                TableRequest.newBuilder().setNamespace("a").setTableName("b\u0000c").build()),
                "field table_name contains a NUL character at position 1");
    }

    @Test
    void aControlCharacterInANameLikeFieldIsRefused() {
        assertRefused(() -> TableServiceGrpc.newBlockingStub(node.channel()).tableInfo(
                TableRequest.newBuilder().setNamespace("a\u0001").setTableName("b").build()),
                "field namespace contains the control character U+0001 at position 1");
        assertRefused(() -> JobServiceGrpc.newBlockingStub(node.channel()).queryJob(
                QueryJobRequest.newBuilder().setJobId("j\n1").build()), "field job_id", "U+000A");
    }

    @Test
    void aNulInsideAStructIsRefusedNamingTheField() {
        assertRefused(() -> TableServiceGrpc.newBlockingStub(node.channel()).bindTable(BindTableRequest.newBuilder()
                .setEngine("POSTGRES").setNamespace("a").setName("b")
                .setAddress(Struct.newBuilder().putFields("name", Value.newBuilder().setStringValue("t\u0000")
                        .build())).build()), "field address contains a NUL");
    }

    @Test
    void anUploadStreamWithANulInItsConfIsRefusedAndHoldsNothing() throws Exception {
        // More refused uploads than upload slots: a refused stream must not keep one.
        for (int i = 0; i < node.config().limits().maxConcurrentUploads() + 2; i++) {
            assertRefused(() -> upload(UploadConf.newBuilder().setNamespace("g").setTableName("t\u0000")
                    .setHead(1).setPartition(1).build()), "field conf.table_name contains a NUL");
        }
        FlowResponse ok = upload(UploadConf.newBuilder().setNamespace("g").setTableName("fine").setHead(1)
                .setPartition(1).setIdDelimiter(",").build());
        assertThat(ok.getRetcode()).as(ok.toString()).isZero();
    }

    static FlowResponse upload(UploadConf conf) throws Exception {
        return GrpcUploads.upload(node.channel(), conf, "id,x\n1,2\n".getBytes(StandardCharsets.UTF_8), 1 << 16);
    }
}
