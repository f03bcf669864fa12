package io.fedflow.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.BatchInferenceReply;
import io.fedflow.proto.v1.BatchInferenceRequest;
import io.fedflow.proto.v1.BatchInferenceRow;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.InferenceReply;
import io.fedflow.proto.v1.InferenceRequest;
import io.fedflow.proto.v1.InferenceServiceGrpc;
import io.fedflow.proto.v1.ModelLoadRequest;
import io.fedflow.proto.v1.ServingServiceGrpc;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The serving calls of {@code flow model}: load and bind (FATE's confs and flags) and infer, which scores one
 * row given as JSON or every row of a CSV (its first column the id the hosts look up, the others the guest's
 * features by name), batch by batch with a progress bar on stderr.
 */
final class ServingCommands {
    private ServingCommands() {}

    static FlowResponse load(ManagedChannel channel, Path conf, String jobId) {
        return ServingServiceGrpc.newBlockingStub(channel).load(request(conf, jobId));
    }

    static FlowResponse bind(ManagedChannel channel, Path conf, String jobId) {
        return ServingServiceGrpc.newBlockingStub(channel).bind(request(conf, jobId));
    }

    private static ModelLoadRequest request(Path conf, String jobId) {
        if (conf == null && (jobId == null || jobId.isEmpty())) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "give a conf (-c) or a job id (-j)");
        }
        ModelLoadRequest.Builder b = conf == null ? ModelLoadRequest.newBuilder()
                : ConfFile.into(ConfFile.read(conf), ModelLoadRequest.newBuilder(), conf);
        if (jobId != null && !jobId.isEmpty()) {
            b.setJobId(jobId);
        }
        return b.build();
    }

    /** One row: its features (a JSON object) and the id the hosts score. */
    static FlowResponse inferOne(ManagedChannel channel, String serviceId, String featureJson, String id) {
        Struct.Builder features = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(featureJson, features);
        } catch (IOException | RuntimeException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "--feature-data is not a JSON object: "
                    + e.getMessage());
        }
        InferenceReply r = InferenceServiceGrpc.newBlockingStub(channel).predict(InferenceRequest.newBuilder()
                .setServiceId(serviceId).setFeatureData(features)
                .setSendToRemoteFeatureData(remote(id)).build());
        return FlowResponse.newBuilder().setRetcode(r.getRetcode()).setRetmsg(r.getRetmsg())
                .setData(Value.newBuilder().setStructValue(result(r))).build();
    }

    /** Every row of {@code csv}, {@code batchSize} rows per call; the answer lists each row's result. */
    static FlowResponse inferCsv(ManagedChannel channel, String serviceId, Path csv, int batchSize,
                                 Progress progress) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "cannot read " + csv + ": " + e.getMessage());
        }
        if (lines.size() < 2) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), csv + " has no header and row");
        }
        String[] header = lines.get(0).split(",", -1);
        ListValue.Builder results = ListValue.newBuilder();
        int failed = 0;
        int done = 0;
        List<String> rows = lines.subList(1, lines.size()).stream().filter(l -> !l.isBlank()).toList();
        try {
            for (int start = 0; start < rows.size(); start += batchSize) {
                BatchInferenceRequest.Builder req = BatchInferenceRequest.newBuilder().setServiceId(serviceId);
                List<String> ids = new ArrayList<>();
                for (String line : rows.subList(start, Math.min(rows.size(), start + batchSize))) {
                    String[] v = line.split(",", -1);
                    Struct.Builder features = Struct.newBuilder();
                    for (int j = 1; j < Math.min(v.length, header.length); j++) {
                        features.putFields(header[j], Value.newBuilder().setStringValue(v[j]).build());
                    }
                    ids.add(v[0]);
                    req.addBatchDataList(BatchInferenceRow.newBuilder().setIndex(start + ids.size() - 1)
                            .setFeatureData(features).setSendToRemoteFeatureData(remote(v[0])));
                }
                BatchInferenceReply reply = InferenceServiceGrpc.newBlockingStub(channel).batchPredict(req.build());
                if (reply.getRetcode() != 0) {
                    return FlowResponse.newBuilder().setRetcode(reply.getRetcode()).setRetmsg(reply.getRetmsg()).build();
                }
                for (int k = 0; k < reply.getResultsCount(); k++) {
                    InferenceReply r = reply.getResults(k);
                    failed += r.getRetcode() == 0 ? 0 : 1;
                    Struct.Builder s = result(r).toBuilder().putFields("id", text(ids.get(k)));
                    results.addValues(Value.newBuilder().setStructValue(s));
                }
                done += ids.size();
                if (progress != null) {
                    progress.update(done);
                }
            }
        } finally {
            if (progress != null) {
                progress.finish();
            }
        }
        Struct data = Struct.newBuilder().putFields("count", number(done)).putFields("failed", number(failed))
                .putFields("results", Value.newBuilder().setListValue(results).build()).build();
        return FlowResponse.newBuilder().setRetcode(failed == 0 ? 0 : RetCode.DATA_ERROR.code())
                .setRetmsg(failed == 0 ? "success" : failed + " of " + done + " rows were not scored: see their retcode")
                .setData(Value.newBuilder().setStructValue(data)).build();
    }

    static long rows(Path csv) {
        try (var lines = Files.lines(csv, StandardCharsets.UTF_8)) {
            return Math.max(0, lines.filter(l -> !l.isBlank()).count() - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Struct result(InferenceReply r) {
        Struct.Builder s = Struct.newBuilder().putFields("retcode", number(r.getRetcode()));
        if (r.getRetcode() == 0) {
            s.putFields("score", number(r.getScore())).putFields("label", number(r.getLabel()))
                    .putFields("modelId", text(r.getModelId())).putFields("modelVersion", text(r.getModelVersion()));
        } else {
            s.putFields("retmsg", text(r.getRetmsg()));
        }
        return s.build();
    }

    private static Struct remote(String id) {
        return Struct.newBuilder().putFields("id", text(id)).build();
    }

    private static Value text(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static Value number(double d) {
        return Value.newBuilder().setNumberValue(d).build();
    }
}
