package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.job.JobService;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.tracking.MetricService;
import io.fedflow.node.tracking.OutputDataService;
import io.fedflow.node.tracking.TrackingGrpcService;
import io.fedflow.node.tracking.TrackingQueryStore;
import io.fedflow.node.tracking.TrackingService;
import java.util.List;

/** Tracking wired for one node: FATE's /v1/tracking reads, the output data and job log archives. */
final class TrackingWiring {
    private TrackingWiring() {}

    static ClientPort clientPort(NodeConfig config, NodePools pools, DataWiring data, JobService jobs) {
        TrackingQueryStore store = new TrackingQueryStore(pools.requests().dsl());
        TrackingService tracking = new TrackingService(store, config.dataDir().resolve("jobs"));
        OutputDataService outputs = new OutputDataService(store, data.catalog(), data.rows(),
                config.tmpDir().resolve("output-data"));
        var outputData = ArchiveRoutes.outputData(tracking, outputs);
        return new ClientPort(List.of(new TrackingGrpcService(tracking, new MetricService(store), outputs)),
                // FATE's client sends the output data download as a GET with a JSON body
                List.of(new FlowServer.HttpRoute(HttpMethod.GET, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/job/log/download", ArchiveRoutes.jobLog(jobs))));
    }
}
