package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.data.BindAddresses;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableKeys;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.JsonHttpService;
import io.fedflow.node.serving.InferenceGrpcService;
import io.fedflow.node.serving.InferenceJson;
import io.fedflow.node.serving.ModelLoading;
import io.fedflow.node.serving.OnlineInference;
import io.fedflow.node.serving.RegistryTrainedModels;
import io.fedflow.node.serving.ServingGrpcService;
import io.fedflow.node.serving.ServingRegistry;
import io.fedflow.node.serving.ServingSiteClient;
import io.fedflow.node.serving.ServingSiteGrpcService;
import io.fedflow.node.serving.ServingStore;
import io.fedflow.node.serving.TrainedModels;
import io.fedflow.node.store.Database;
import io.grpc.BindableService;
import java.time.Clock;
import java.util.List;

/**
 * Serving wired for one node: the serving registry over the request pool, load and bind and online inference on
 * the client port (FATE's /v1/model/load|bind, FATE-Serving's /federation/v1 routes, InferenceService), and the
 * serving site service the other parties call on the site port.
 */
final class ServingWiring {
    private final ClientPort clientPort;
    private final BindableService siteService;

    ServingWiring(NodeConfig config, Clock clock, Database database, NodePools pools, PartyClient parties,
                  ModelRegistry models) {
        var dsl = pools.requests().dsl();
        TrainedModels trained = new RegistryTrainedModels(models);
        TableKeys keys = new TableKeys(pools.requests().dataSource(),
                new BindAddresses(database.embeddedPort(), config.limits().bindConnectTimeout()),
                new TableCatalog(dsl, clock));
        ServingRegistry registry = new ServingRegistry(trained, new ServingStore(dsl, clock), keys);
        ServingSiteClient sites = new ServingSiteClient(parties);
        OnlineInference inference = new OnlineInference(config.partyId(), registry, sites,
                config.limits().inferenceTimeout(), config.limits().maxBatchInferenceRows());
        InferenceJson json = new InferenceJson(inference);
        this.clientPort = new ClientPort(
                List.of(new ServingGrpcService(new ModelLoading(config.partyId(), trained, registry, sites)),
                        new InferenceGrpcService(inference)),
                // FATE-Serving's proxy routes, answering FATE-Serving's shapes rather than FATE-Flow's envelope
                List.of(new FlowServer.HttpRoute(HttpMethod.POST, "/federation/v1/inference",
                                new JsonHttpService(json::single)),
                        // A full batch (--max-batch-inference-rows rows) is megabytes: it is capped as a /v1
                        // call is, not as the small JSON bodies of the stream routes.
                        FlowServer.HttpRoute.sized(HttpMethod.POST, "/federation/v1/batchInference",
                                new JsonHttpService(json::batch), config.limits().maxCallBody())));
        this.siteService = new ServingSiteGrpcService(config.partyId(), registry);
    }

    ClientPort clientPort() {
        return clientPort;
    }

    /** The serving site service, for the site port (behind its verifying interceptor). */
    BindableService siteService() {
        return siteService;
    }
}
