package io.fedflow.node.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.Server;
import com.linecorp.armeria.server.grpc.GrpcService;
import io.fedflow.auth.hook.BuiltinPermissionHook;
import io.fedflow.auth.hook.BuiltinSignatureHook;
import io.fedflow.auth.hook.HookResult;
import io.fedflow.auth.hook.PermissionCheckParameters;
import io.fedflow.auth.hook.SignatureParameters;
import io.fedflow.auth.hook.SignatureResult;
import io.fedflow.auth.permission.DatasetRef;
import io.fedflow.node.testing.FlowHttp;
import io.fedflow.node.testing.NodeExtension;
import io.fedflow.proto.v1.CheckPermissionRequest;
import io.fedflow.proto.v1.CheckPermissionResponse;
import io.fedflow.proto.v1.PermissionHookServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Registered remote hooks (gRPC and HTTP JSON) are the hooks in force, and their answers reach the caller. */
class RemoteHooksTest {
    @RegisterExtension
    static final NodeExtension node = NodeExtension.builder().partyId("10000").build();

    @Test
    void aRegisteredGrpcPermissionHookIsAskedAndItsRefusalReturned() {
        List<CheckPermissionRequest> asked = new CopyOnWriteArrayList<>();
        Server hook = Server.builder().http(0).service(GrpcService.builder()
                .addService(new PermissionHookServiceGrpc.PermissionHookServiceImplBase() {
                    @Override
                    public void checkPermission(CheckPermissionRequest r, StreamObserver<CheckPermissionResponse> out) {
                        asked.add(r);
                        out.onNext(CheckPermissionResponse.newBuilder().setCode(3)
                                .setMessage("dataset " + r.getDatasetList(0).getName() + " is not shared with "
                                        + r.getSrcPartyId()).build());
                        out.onCompleted();
                    }
                }).build()).build();
        hook.start().join();
        try {
            JsonNode server = node.http().post("/v1/server/grpcperm/register", "{\"host\": \"127.0.0.1\", \"port\": "
                    + hook.activeLocalPort() + ", \"protocol\": \"grpc\"}");
            assertThat(server.get("retcode").asInt()).as(server.toString()).isZero();
            // no uri needed: the gRPC method is fixed by hooks.proto
            JsonNode service = node.http().post("/v1/service/registry",
                    "{\"server_name\": \"grpcperm\", \"service_name\": \"permission\"}");
            assertThat(service.get("retcode").asInt()).as(service.toString()).isZero();
            assertThat(service.at("/data/f_protocol").asText()).isEqualTo("grpc");

            HookResult result = node.node().hooks().current().permission().check(new PermissionCheckParameters("guest",
                    "9999", "host", "10000", null, null, List.of("reader"),
                    List.of(new DatasetRef("experiment", "breast_hetero_host")), null, null, null, "create"));
            assertThat(result).isEqualTo(new HookResult(3, "dataset breast_hetero_host is not shared with 9999"));
            assertThat(asked).hasSize(1);
            assertThat(asked.get(0).getComponentListList()).containsExactly("reader");

            assertThat(node.http().post("/v1/server/grpcperm/delete", "{}").get("retcode").asInt()).isZero();
            assertThat(node.node().hooks().current().permission()).isInstanceOf(BuiltinPermissionHook.class);
        } finally {
            hook.stop().join();
        }
    }

    @Test
    void aRegisteredHttpSignatureHookSignsWithWhatItAnswersInData() {
        List<JsonNode> asked = new CopyOnWriteArrayList<>();
        Server hook = Server.builder().http(0).service("/sign", (ctx, req) -> HttpResponse.of(
                req.aggregate().thenApply(whole -> {
                    try {
                        asked.add(FlowHttp.JSON.readTree(whole.contentUtf8()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                    // FATE-Flow reads the signature from data, whatever its docs say
                    return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
                            "{\"code\": 0, \"data\": \"c2lnbmVkLWJ5LWhzbQ==\"}");
                }))).build();
        hook.start().join();
        try {
            node.http().post("/v1/server/hsm/register", "{\"host\": \"127.0.0.1\", \"port\": " + hook.activeLocalPort() + "}");
            JsonNode service = node.http().post("/v1/service/registry", "{\"server_name\": \"hsm\", \"service_name\": "
                    + "\"signature\", \"uri\": \"/sign\", \"data\": {\"key_id\": \"site-10000\"}}");
            assertThat(service.get("retcode").asInt()).as(service.toString()).isZero();

            SignatureResult signed = node.node().hooks().current().signature()
                    .sign(new SignatureParameters("10000", "canonical-string"));
            assertThat(signed.signed()).isTrue();
            assertThat(signed.siteSignature()).isEqualTo("c2lnbmVkLWJ5LWhzbQ==");
            JsonNode body = asked.get(0);
            assertThat(body.get("party_id").asText()).isEqualTo("10000");
            assertThat(body.get("body").asText()).isEqualTo("canonical-string");
            assertThat(body.get("key_id").asText()).isEqualTo("site-10000"); // registered data rides along

            // the server goes away: after a reload the registration still stands, and a failed call is code 100
            hook.stop().join();
            assertThat(node.http().post("/v1/server/reload", "{}").get("retcode").asInt()).isZero();
            SignatureResult failed = node.node().hooks().current().signature().sign(new SignatureParameters("10000", "x"));
            assertThat(failed.code()).isEqualTo(100);
            assertThat(failed.message()).contains("signature hook", "/sign");

            node.http().post("/v1/server/hsm/delete", "{}");
            assertThat(node.node().hooks().current().signature()).isInstanceOf(BuiltinSignatureHook.class);
        } finally {
            hook.stop().join();
        }
    }
}
