package io.fedflow.node.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.fedflow.proto.v1.PartyJobRequest;
import io.fedflow.proto.v1.PingRequest;
import io.fedflow.proto.v1.TransferChunk;
import io.fedflow.proto.v1.TransferHeader;
import org.junit.jupiter.api.Test;

/** Which job a site call's log lines name: the message's own job_id, or its header's on a transfer stream. */
class JobLogInterceptorTest {
    @Test
    void aCallNamingAJobLogsUnderIt() {
        assertThat(JobLogInterceptor.jobIdOf(PartyJobRequest.newBuilder().setJobId("202612050001").build()))
                .isEqualTo("202612050001");
    }

    @Test
    void aTransferStreamLogsUnderItsHeadersJob() {
        TransferChunk first = TransferChunk.newBuilder()
                .setHeader(TransferHeader.newBuilder().setJobId("202612050002").setComponentName("hetero_lr_0"))
                .setContent(ByteString.copyFromUtf8("x")).build();
        assertThat(JobLogInterceptor.jobIdOf(first)).isEqualTo("202612050002");
    }

    @Test
    void aMessageWithoutAJobLogsUnderNone() {
        assertThat(JobLogInterceptor.jobIdOf(TransferChunk.newBuilder()
                .setContent(ByteString.copyFromUtf8("later chunk")).build())).isNull();
        assertThat(JobLogInterceptor.jobIdOf(PartyJobRequest.getDefaultInstance())).isNull();
        assertThat(JobLogInterceptor.jobIdOf(PingRequest.getDefaultInstance())).isNull();
        assertThat(JobLogInterceptor.jobIdOf("not a message")).isNull();
    }

    @Test
    void onlyTheMethodsWhoseRequestsCanNameAJobGoThroughIt() {
        assertThat(JobLogInterceptor.canNameAJob(PartyJobRequest.getDescriptor())).isTrue();
        assertThat(JobLogInterceptor.canNameAJob(TransferChunk.getDescriptor())).isTrue();
        assertThat(JobLogInterceptor.canNameAJob(PingRequest.getDescriptor())).isFalse();
    }
}
