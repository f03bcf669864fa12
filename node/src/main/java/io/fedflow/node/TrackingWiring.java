package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.federation.SiteVerifyingInterceptor;
import io.fedflow.node.job.JobService;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.tracking.MetricService;
import io.fedflow.node.tracking.OutputDataService;
import io.fedflow.node.tracking.OutputTablesAtParties;
import io.fedflow.node.tracking.TrackingGrpcService;
import io.fedflow.node.tracking.TrackingQueryStore;
import io.fedflow.node.tracking.TrackingService;
import io.fedflow.node.tracking.TrackingSiteGrpcService;
import io.fedflow.proto.v1.TrackingSiteServiceGrpc;
import io.grpc.BindableService;
import java.util.List;

/**
 * Tracking wired for one node: FATE's /v1/tracking reads, the output data and job log archives, and the site
 * service that answers another party's output/data/table.
 */
final class TrackingWiring {
    private final TrackingQueryStore store;
    private final TrackingService tracking;
    private final OutputDataService outputs;
    private final OutputTablesAtParties tables;

    TrackingWiring(NodeConfig config, NodePools pools, DataWiring data, PartyClient parties) {
        this.store = new TrackingQueryStore(pools.requests().dsl());
        this.tracking = new TrackingService(store, config.dataDir().resolve("jobs"));
        this.outputs = new OutputDataService(store, data.catalog(), data.rows(), config.tmpDir().resolve("output-data"));
        this.tables = new OutputTablesAtParties(config.partyId(), outputs, store, (partyId, request) ->
                parties.callSite(partyId, "output tables of " + request.getComponentName() + " of job "
                                + request.getJobId(), PartyClient.RetryPolicy.DEFAULT,
                        TrackingSiteServiceGrpc.TrackingSiteServiceBlockingStub.class, s -> s.outputDataTable(request)));
    }

    /** The tracking reads the board's component page adapts. */
    TrackingService tracking() {
        return tracking;
    }

    MetricService metrics() {
        return new MetricService(store);
    }

    OutputDataService outputs() {
        return outputs;
    }

    /** Served on the signed site port. */
    List<BindableService> siteServices() {
        return List.of(new TrackingSiteGrpcService(tables, SiteVerifyingInterceptor::sourceParty));
    }

    ClientPort clientPort(JobService jobs) {
        var outputData = ArchiveRoutes.outputData(tracking, outputs);
        var tableDownload = ArchiveRoutes.tableDownload(outputs);
        return new ClientPort(List.of(new TrackingGrpcService(tracking, new MetricService(store), outputs, tables)),
                // FATE's client sends the output data download as a GET with a JSON body
                List.of(new FlowServer.HttpRoute(HttpMethod.GET, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/tracking/component/output/data/download",
                                outputData),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/job/log/download", ArchiveRoutes.jobLog(jobs)),
                        // FATE serves the table download as a GET with a JSON body, like the output data's
                        new FlowServer.HttpRoute(HttpMethod.GET, "/v1/table/download", tableDownload),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/table/download", tableDownload),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/template/download", ArchiveRoutes.templates())));
    }
}
