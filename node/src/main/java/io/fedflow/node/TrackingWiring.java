package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.job.JobService;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.tracking.TrackingGrpcService;
import io.fedflow.node.tracking.TrackingQueryStore;
import io.fedflow.node.tracking.TrackingService;
import java.util.List;

/** Tracking wired for one node: FATE's /v1/tracking reads, the output data and job log archives. */
final class TrackingWiring {
    private TrackingWiring() {}

    static ClientPort clientPort(NodeConfig config, NodePools pools, DataWiring data, JobService jobs) {
        TrackingService tracking = new TrackingService(new TrackingQueryStore(pools.requests().dsl()),
                data.catalog(), data.rows(), config.dataDir().resolve("jobs"), config.tmpDir().resolve("output-data"));
        var outputData = ArchiveRoutes.outputData(tracking);
        return new ClientPort(List.of(new TrackingGrpcService(tracking)),
                // FATE's client sends the output data download as a GET with a JSON body
                List.of(new FlowServer.HttpRoute(HttpMethod.GET, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/job/log/download", ArchiveRoutes.jobLog(jobs))));
    }
}
