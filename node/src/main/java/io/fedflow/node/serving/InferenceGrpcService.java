package io.fedflow.node.serving;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.v1.BatchInferenceReply;
import io.fedflow.proto.v1.BatchInferenceRequest;
import io.fedflow.proto.v1.BatchInferenceRow;
import io.fedflow.proto.v1.InferenceReply;
import io.fedflow.proto.v1.InferenceRequest;
import io.fedflow.proto.v1.InferenceServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** gRPC adapter of online inference ({@code fedflow.v1.InferenceService}). */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {
    private final OnlineInference inference;

    public InferenceGrpcService(OnlineInference inference) {
        this.inference = inference;
    }

    @Override
    public void predict(InferenceRequest r, StreamObserver<InferenceReply> out) {
        OnlineInference.Answer a = inference.predict(r.getServiceId(), List.of(row(0, r.getFeatureData(),
                r.getSendToRemoteFeatureData())));
        InferenceReply reply = a.rows().isEmpty()
                ? InferenceReply.newBuilder().setRetcode(a.retcode()).setRetmsg(a.retmsg()).build()
                : reply(a, a.rows().get(0));
        out.onNext(reply);
        out.onCompleted();
    }

    @Override
    public void batchPredict(BatchInferenceRequest r, StreamObserver<BatchInferenceReply> out) {
        List<OnlineInference.Row> rows = new ArrayList<>();
        for (BatchInferenceRow row : r.getBatchDataListList()) {
            rows.add(row(row.getIndex(), row.getFeatureData(), row.getSendToRemoteFeatureData()));
        }
        OnlineInference.Answer a = inference.predict(r.getServiceId(), rows);
        BatchInferenceReply.Builder b = BatchInferenceReply.newBuilder().setRetcode(a.retcode())
                .setRetmsg(a.retmsg()).setModelId(a.modelId()).setModelVersion(a.modelVersion())
                .setTimestamp(a.timestamp());
        for (OnlineInference.Scored s : a.rows()) {
            b.addResults(reply(a, s)).addIndexes(s.index());
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    private static InferenceReply reply(OnlineInference.Answer a, OnlineInference.Scored s) {
        return InferenceReply.newBuilder().setRetcode(s.retcode()).setRetmsg(s.retmsg()).setScore(s.score())
                .setLabel(s.label()).setModelId(a.modelId()).setModelVersion(a.modelVersion())
                .setTimestamp(a.timestamp()).putAllPartyRetcodes(s.parties()).build();
    }

    private static OnlineInference.Row row(int index, Struct features, Struct remote) {
        Map<String, String> byName = new HashMap<>();
        features.getFieldsMap().forEach((k, v) -> byName.put(k, text(v)));
        return new OnlineInference.Row(index, byName, InferenceJson.remoteId(FateJson.toJson(remote)));
    }

    private static String text(Value v) {
        return switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> null;
            case STRING_VALUE -> v.getStringValue();
            case NUMBER_VALUE -> Double.toString(v.getNumberValue());
            default -> FateJson.toJson(v).toString();
        };
    }
}
