package io.fedflow.node.model;

import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.Responses;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.ModelMigrateRequest;
import io.fedflow.proto.v1.ModelQueryRequest;
import io.fedflow.proto.v1.ModelServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of FATE's /v1/model/query, /v1/model/query/detail and /v1/model/migrate. */
public final class ModelGrpcService extends ModelServiceGrpc.ModelServiceImplBase {
    private final ModelQueries models;
    private final ModelMigration migration;

    public ModelGrpcService(ModelQueries models, ModelMigration migration) {
        this.models = models;
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
}
