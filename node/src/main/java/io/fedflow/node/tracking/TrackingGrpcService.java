package io.fedflow.node.tracking;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.FileStreams;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.ComponentRef;
import io.fedflow.proto.v1.DataChunk;
import io.fedflow.proto.v1.DataViewQueryRequest;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.TrackingServiceGrpc;
import io.grpc.stub.StreamObserver;

/** gRPC adapter of tracking reads: decode, call one domain method, encode. */
public final class TrackingGrpcService extends TrackingServiceGrpc.TrackingServiceImplBase {
    private final TrackingService tracking;
    private final MetricService metrics;
    private final OutputDataService outputs;
    private final OutputTablesAtParties tables;

    public TrackingGrpcService(TrackingService tracking, MetricService metrics, OutputDataService outputs,
                               OutputTablesAtParties tables) {
        this.tracking = tracking;
        this.metrics = metrics;
        this.outputs = outputs;
        this.tables = tables;
    }

    private TrackingRef ref(ComponentRef r, boolean needComponent) {
        return tracking.ref(r.getJobId(), r.getRole(), r.getPartyId(), r.getComponentName(), needComponent);
    }

    private static void reply(StreamObserver<FlowResponse> out, TrackingAnswer a) {
        FlowResponse.Builder b = FlowResponse.newBuilder().setRetcode(a.retcode()).setRetmsg(a.retmsg());
        if (a.data() != null) {
            b.setData(FateJson.toValue(a.data()));
        }
        if (a.meta() != null) {
            b.setMeta(FateJson.toValue(a.meta()).getStructValue());
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void dataView(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, TrackingAnswer.ok(tracking.dataView(ref(r, false))));
    }

    @Override
    public void metricAll(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, metrics.metricAll(ref(r, true)));
    }

    @Override
    public void metrics(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, metrics.metricNames(ref(r, true)));
    }

    @Override
    public void metricData(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, metrics.metricData(ref(r, true), r.getMetricNamespace(), r.getMetricName()));
    }

    @Override
    public void deleteMetrics(ComponentRef r, StreamObserver<FlowResponse> out) {
        int n = metrics.deleteMetrics(r.getJobId(), r.getComponentName(), r.getRole(), r.getPartyId());
        reply(out, new TrackingAnswer(0, "delete status: True",
                JsonNodeFactory.instance.numberNode(n), null));
    }

    @Override
    public void componentParameters(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, TrackingAnswer.ok(tracking.parameters(ref(r, true))));
    }

    @Override
    public void outputModel(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, tracking.outputModel(ref(r, true)));
    }

    @Override
    public void outputData(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, outputs.outputData(ref(r, true), r.hasLimit() ? r.getLimit() : null));
    }

    @Override
    public void dataViewQuery(DataViewQueryRequest r, StreamObserver<FlowResponse> out) {
        reply(out, TrackingAnswer.ok(outputs.dataView(new TrackingQueryStore.DataViewFilter(r.getJobId().trim(),
                r.getRole().trim(), r.getPartyId().trim(), r.getComponentName().trim(), r.getTaskId().trim(),
                r.hasTaskVersion() ? r.getTaskVersion() : null, r.getDataName().trim()))));
    }

    @Override
    public void outputDataTable(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, TrackingAnswer.ok(tables.outputDataTables(ref(r, true))));
    }

    @Override
    public void componentSummary(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, tracking.summary(ref(r, true), r.getTaskId(), r.hasTaskVersion() ? r.getTaskVersion() : null));
    }

    @Override
    public void componentList(ComponentRef r, StreamObserver<FlowResponse> out) {
        reply(out, TrackingAnswer.ok(tracking.componentList(r.getJobId())));
    }

    /**
     * The same tar.gz as GET /v1/tracking/component/output/data/download. No output (or limit 0) fails
     * with NOT_FOUND and retcode 210 in the trailer, FATE's code for it.
     */
    @Override
    public void downloadOutputData(ComponentRef r, StreamObserver<DataChunk> out) {
        // spooling a large output takes longer than the default request timeout
        ServiceRequestContext.current().clearRequestTimeout();
        OutputDataService.OutputDownload d = outputs.prepareDownload(ref(r, true), r.hasLimit() ? r.getLimit() : null,
                r.hasHead() ? r.getHead() : null);
        if (d.tables().isEmpty() || d.limit() == 0) {
            throw new FlowException(RetCode.NO_DATA, d.limit() == 0 ? "limit is 0" : "no data");
        }
        OutputDataService.Spooled spooled = outputs.spool(d);
        FileStreams.grpc(out, spooled::writeTo, spooled::close);
    }
}
