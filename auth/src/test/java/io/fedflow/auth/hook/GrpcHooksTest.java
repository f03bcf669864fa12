package io.fedflow.auth.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.proto.v1.AuthenticateClientRequest;
import io.fedflow.proto.v1.AuthenticateClientResponse;
import io.fedflow.proto.v1.CheckPermissionRequest;
import io.fedflow.proto.v1.CheckPermissionResponse;
import io.fedflow.proto.v1.ClientAuthenticationHookServiceGrpc;
import io.fedflow.proto.v1.PermissionHookServiceGrpc;
import io.fedflow.proto.v1.SignRequest;
import io.fedflow.proto.v1.SignResponse;
import io.fedflow.proto.v1.SignatureHookServiceGrpc;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC hook clients against a real grpc-java server implementing the hooks.proto services. */
class GrpcHooksTest {
    private final AtomicReference<CheckPermissionRequest> permissionAsked = new AtomicReference<>();
    private final AtomicReference<AuthenticateClientRequest> clientAsked = new AtomicReference<>();
    private Server server;

    @BeforeEach
    void start() throws IOException {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new PermissionHookServiceGrpc.PermissionHookServiceImplBase() {
                    @Override
                    public void checkPermission(CheckPermissionRequest r, StreamObserver<CheckPermissionResponse> out) {
                        permissionAsked.set(r);
                        out.onNext(CheckPermissionResponse.newBuilder().setCode(2)
                                .setMessage("component " + r.getComponentList(0) + " is not granted").build());
                        out.onCompleted();
                    }
                })
                .addService(new ClientAuthenticationHookServiceGrpc.ClientAuthenticationHookServiceImplBase() {
                    @Override
                    public void authenticateClient(AuthenticateClientRequest r,
                                                   StreamObserver<AuthenticateClientResponse> out) {
                        clientAsked.set(r);
                        out.onNext(AuthenticateClientResponse.newBuilder().setCode(0).build());
                        out.onCompleted();
                    }
                })
                .addService(new SignatureHookServiceGrpc.SignatureHookServiceImplBase() {
                    @Override
                    public void sign(SignRequest r, StreamObserver<SignResponse> out) {
                        // never answers: the caller's deadline must end the call
                    }
                })
                .build().start();
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void permissionRefusalOfTheRemoteServiceIsTheHooksAnswer() {
        try (GrpcHookClient client = GrpcHookClient.open(HookName.PERMISSION, "127.0.0.1", server.getPort(), false,
                Duration.ofSeconds(5))) {
            HookResult result = new GrpcPermissionHook(client).check(new PermissionCheckParameters("guest", "9999",
                    "host", "10000", JsonNodeFactory.instance.objectNode().put("role", "guest"), null,
                    List.of("reader"), List.of(new DatasetRef("experiment", "breast")), null, null, null, null));
            assertThat(result).isEqualTo(new HookResult(2, "component reader is not granted"));
            assertThat(permissionAsked.get().getInitiator().getFieldsOrThrow("role").getStringValue())
                    .isEqualTo("guest");
            assertThat(permissionAsked.get().getDatasetList(0).getName()).isEqualTo("breast");
            assertThat(permissionAsked.get().getCommand()).isEqualTo("create");
        }
    }

    @Test
    void clientAuthenticationSendsPathHeadersAndJson() {
        try (GrpcHookClient client = GrpcHookClient.open(HookName.CLIENT_AUTHENTICATION, "127.0.0.1",
                server.getPort(), false, Duration.ofSeconds(5))) {
            HookResult result = new GrpcClientAuthenticationHook(client).authenticate(
                    new ClientAuthenticationParameters("/v1/job/query", Map.of("APP_KEY", "k"), Map.of(),
                            "{\"job_id\":\"1\"}".getBytes(), JsonNodeFactory.instance.objectNode().put("job_id", "1")));
            assertThat(result.accepted()).isTrue();
            assertThat(clientAsked.get().getFullPath()).isEqualTo("/v1/job/query");
            assertThat(clientAsked.get().getHeadersMap()).containsEntry("APP_KEY", "k");
            assertThat(clientAsked.get().getJson().getStructValue().getFieldsOrThrow("job_id").getStringValue())
                    .isEqualTo("1");
        }
    }

    @Test
    void aServiceThatNeverAnswersIsCutByTheDeadline() {
        try (GrpcHookClient client = GrpcHookClient.open(HookName.SIGNATURE, "127.0.0.1", server.getPort(), false,
                Duration.ofMillis(300))) {
            long t0 = System.nanoTime();
            SignatureResult result = new GrpcSignatureHook(client).sign(new SignatureParameters("9999", "body"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThat(result.signed()).isFalse();
            assertThat(result.code()).isEqualTo(100);
            assertThat(result.message()).contains("signature hook", "DEADLINE_EXCEEDED");
        }
    }

    @Test
    void aServiceThatIsDownGivesCode100() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (GrpcHookClient client = GrpcHookClient.open(HookName.PERMISSION, "127.0.0.1", closedPort, false,
                Duration.ofSeconds(5))) {
            HookResult result = client.installIn(HookSet.builtin(null, null, null, null, null)).permission()
                    .check(new PermissionCheckParameters("guest", "9999", "host", "10000", null, null, List.of(),
                            List.of(), null, null, null, null));
            assertThat(result.code()).isEqualTo(100);
            assertThat(result.message()).contains("permission hook grpc://127.0.0.1:" + closedPort, "UNAVAILABLE");
        }
    }
}
