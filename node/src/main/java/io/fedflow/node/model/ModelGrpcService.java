package io.fedflow.node.model;

import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelDeployRequest;
import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelPredictFileRequest;
import io.fedflow.proto.v1.ModelQueryRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.grpc.stub.StreamObserver;

/**
 * gRPC adapter of FATE's /v1/model/query, /v1/model/query/detail, /v1/model/deploy, /v1/model/migrate and
 * /v1/model/get/predict/dsl|conf (whose JSON callers get a raw file when they name one: the server's file form).
 */
public final class ModelGrpcService extends ModelServiceGrpc.ModelServiceImplBase {
    private final ModelQueries models;
    private final ModelDeploy deploy;
    private final PredictFiles files;
    private final ModelMigration migration;

    public ModelGrpcService(ModelQueries models, ModelDeploy deploy, PredictFiles files, ModelMigration migration) {
        this.models = models;
        this.deploy = deploy;
        this.files = files;
        this.migration = migration;
    }

    @Override
    public void query(ModelQueryRequest r, StreamObserver<FlowResponse> out) {
        models.query(new ModelQueries.Filters(r.getModelId(), r.getModelVersion(), r.getRole(), r.getPartyId(),
                r.getJobId()), r.getQueryFiltersList()).sendTo(out);
    }

    @Override
    public void queryDetail(ModelQueryRequest r, StreamObserver<FlowResponse> out) {
        models.detail(r.getModelId(), r.getModelVersion()).sendTo(out);
    }

    @Override
    public void migrate(ModelMigrateRequest r, StreamObserver<FlowResponse> out) {
        ModelMigration.Outcome o = migration.migrate(new ModelMigration.Request(
                r.hasMigrateInitiator() ? FateJson.toJson(r.getMigrateInitiator()) : null,
                r.hasRole() ? FateJson.toJson(r.getRole()) : null,
                r.hasMigrateRole() ? FateJson.toJson(r.getMigrateRole()) : null, r.getModelId(), r.getModelVersion(),
                r.hasExecuteParty() ? FateJson.toJson(r.getExecuteParty()) : null,
                r.hasJobParameters() ? FateJson.toJson(r.getJobParameters()) : null, r.getUnifyModelVersion()));
        out.onNext(Responses.ok("success", o.data(), o.jobId()));
        out.onCompleted();
    }

    @Override
    public void deploy(ModelDeployRequest r, StreamObserver<FlowResponse> out) {
        // FATE reads predict_dsl, then dsl (the CLI's name for it)
        var dsl = r.hasPredictDsl() && !r.getPredictDsl().hasNullValue() ? r.getPredictDsl()
                : r.hasDsl() ? r.getDsl() : null;
        deploy.deploy(new ModelDeploy.Request(r.getModelId(), r.getModelVersion(), r.getCpnListList().stream()
                .map(String::trim).filter(c -> !c.isEmpty()).toList(), dsl == null ? null : FateJson.toJson(dsl),
                r.hasComponentsCheckpoint() ? FateJson.toJson(r.getComponentsCheckpoint()) : null)).sendTo(out);
    }

    @Override
    public void getPredictDsl(ModelPredictFileRequest r, StreamObserver<FlowResponse> out) {
        new ModelAnswer("success", files.predictDsl(r.getModelId(), r.getModelVersion())).sendTo(out);
    }

    @Override
    public void getPredictConf(ModelPredictFileRequest r, StreamObserver<FlowResponse> out) {
        new ModelAnswer("success", files.predictConf(r.getModelId(), r.getModelVersion())).sendTo(out);
    }
}
