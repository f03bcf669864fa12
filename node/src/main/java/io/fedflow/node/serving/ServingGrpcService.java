package io.fedflow.node.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelLoadRequest;
import io.fedflow.proto.v1.ServingServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/model/load and /v1/model/bind. */
public final class ServingGrpcService extends ServingServiceGrpc.ServingServiceImplBase {
    private final ModelLoading loading;

    public ServingGrpcService(ModelLoading loading) {
        this.loading = loading;
    }

    @Override
    public void load(ModelLoadRequest r, StreamObserver<FlowResponse> out) {
        ModelLoading.Loaded loaded = loading.load(conf(r));
        // FATE answers a failed load with its per-party detail, so the retcode travels with the data here
        FlowResponse ok = Responses.ok("success", loaded.data(), loaded.modelVersion());
        out.onNext(loaded.ok() ? ok : ok.toBuilder().setRetcode(RetCode.ARGUMENT_ERROR.code())
                .setRetmsg("loading model " + loaded.modelId() + " failed at a party; what the others loaded was "
                        + "unloaded: see data.detail").build());
        out.onCompleted();
    }

    @Override
    public void bind(ModelLoadRequest r, StreamObserver<FlowResponse> out) {
        out.onNext(Responses.ok(loading.bind(conf(r)), null, null));
        out.onCompleted();
    }

    private static ModelLoading.Conf conf(ModelLoadRequest r) {
        JsonNode initiator = FateJson.toJson(r.getInitiator());
        JsonNode params = FateJson.toJson(r.getJobParameters());
        JsonNode common = params.path("common");
        String modelId = common.path("model_id").asText(params.path("model_id").asText(""));
        String version = common.path("model_version").asText(params.path("model_version").asText(""));
        return new ModelLoading.Conf(initiator.path("role").asText(""), initiator.path("party_id").asText(""),
                r.hasRole() ? FateJson.toJson(r.getRole()) : null, modelId, version, r.getJobId(), r.getServiceId(),
                r.hasFeatureTables() ? FateJson.toJson(r.getFeatureTables()) : null);
    }
}
