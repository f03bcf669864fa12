package io.fedflow.node.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.testing.GrpcUploads;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.DataServiceGrpc;
import io.fedflow.proto.v1.DownloadRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.JobServiceGrpc;
import io.fedflow.proto.v1.QueryJobRequest;
import io.fedflow.proto.v1.TableRequest;
import io.fedflow.proto.v1.TableServiceGrpc;
import io.fedflow.proto.v1.UploadConf;
import io.fedflow.proto.v1.UploadHistoryRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The same data operations over gRPC, with a real grpc-java client over grpc-netty-shaded. */
class DataGrpcTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.of();

    static FlowResponse upload(UploadConf conf, byte[] content, int chunk) throws Exception {
        return GrpcUploads.upload(node.channel(), conf, content, chunk);
    }

    static UploadConf conf(String ns, String name) {
        return UploadConf.newBuilder().setNamespace(ns).setTableName(name).setHead(1).setPartition(2)
                .setIdDelimiter(",").build();
    }

    @Test
    void uploadStreamThenDownloadStreamGivesTheSameRows() throws Exception {
        StringBuilder csv = new StringBuilder("id,a,b\n");
        for (int i = 0; i < 5000; i++) {
            csv.append("id").append(i).append(',').append(i * 0.5).append(',').append(-i).append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        FlowResponse r = upload(conf("grpc", "rows"), bytes, 1000);
        assertThat(r.getRetcode()).isZero();
        assertThat(r.getJobId()).matches("\\d{21,}");

        FlowResponse info = TableServiceGrpc.newBlockingStub(node.channel())
                .tableInfo(TableRequest.newBuilder().setNamespace("grpc").setTableName("rows").build());
        assertThat(info.getData().getStructValue().getFieldsOrThrow("count").getNumberValue()).isEqualTo(5000);

        Iterator<DataChunk> chunks = DataServiceGrpc.newBlockingStub(node.channel()).downloadStream(
                DownloadRequest.newBuilder().setNamespace("grpc").setTableName("rows").build());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 0;
        while (chunks.hasNext()) {
            chunks.next().getContent().writeTo(out);
            n++;
        }
        assertThat(n).isGreaterThan(1); // really streamed in chunks
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(csv.toString());

        var status = JobServiceGrpc.newBlockingStub(node.channel()).queryJob(QueryJobRequest.newBuilder()
                .setJobId(r.getJobId()).build());
        assertThat(status.getData().getListValue().getValues(0).getStructValue()
                .getFieldsOrThrow("f_status").getStringValue()).isEqualTo("success");

        FlowResponse history = DataServiceGrpc.newBlockingStub(node.channel())
                .uploadHistory(UploadHistoryRequest.newBuilder().setJobId(r.getJobId()).build());
        var entry = history.getData().getListValue().getValues(0).getStructValue()
                .getFieldsOrThrow(r.getJobId()).getStructValue();
        assertThat(entry.getFieldsOrThrow("upload_info").getStructValue().getFieldsOrThrow("upload_count")
                .getNumberValue()).isEqualTo(5000);
    }

    @Test
    void errorsCarryAStatusAndTheRetcodeInTrailers() {
        StatusRuntimeException e = catchStatus(() -> TableServiceGrpc.newBlockingStub(node.channel()).deleteTable(
                TableRequest.newBuilder().setNamespace("none").setTableName("none").build()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).contains("none.none");
        assertThat(e.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");

        StatusRuntimeException missing = catchStatus(() -> TableServiceGrpc.newBlockingStub(node.channel()).tableInfo(
                TableRequest.newBuilder().setTableName("x").build()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(missing.getTrailers().get(RetCode.TRAILER)).isEqualTo("101");

        assertThatThrownBy(() -> upload(conf("grpc", "empty"), new byte[0], 10))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> upload(UploadConf.newBuilder().setNamespace("n").setTableName("t").build(),
                "id\n1\n".getBytes(StandardCharsets.UTF_8), 10))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageContaining("head");

        StatusRuntimeException unknownTable = catchStatus(() -> DataServiceGrpc.newBlockingStub(node.channel())
                .downloadStream(DownloadRequest.newBuilder().setNamespace("no").setTableName("no").build())
                .hasNext());
        assertThat(unknownTable.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void reflectionListsTheServices() throws Exception {
        List<String> services = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        StreamObserver<ServerReflectionRequest> req = ServerReflectionGrpc.newStub(node.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        value.getListServicesResponse().getServiceList().forEach(s -> services.add(s.getName()));
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.countDown();
                    }

                    @Override
                    public void onCompleted() {
                        done.countDown();
                    }
                });
        req.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        req.onCompleted();
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(services).contains("fedflow.v1.DataService", "fedflow.v1.TableService",
                "fedflow.v1.JobService", "grpc.reflection.v1.ServerReflection");
    }

    private static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("expected a gRPC error");
    }
}
