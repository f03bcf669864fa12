package io.fedflow.node;

import io.fedflow.node.model.ModelGrpcService;
import io.fedflow.node.model.ModelQueries;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.model.ModelRegistryStore;
import io.fedflow.node.model.ModelTags;
import io.fedflow.node.model.TagGrpcService;
import io.fedflow.node.model.TagStore;
import java.time.Clock;
import java.util.List;

/**
 * Models wired for one node: the registry over both pools (the job core records trained models and reads
 * them for predict jobs over the scheduler's; the client API reads over the requests'), the model and tag APIs.
 */
final class ModelWiring {
    private final ModelRegistry registry;
    private final ModelRegistry jobRegistry;
    private final Clock clock;
    private final NodePools pools;

    ModelWiring(Clock clock, NodePools pools) {
        this.clock = clock;
        this.pools = pools;
        this.registry = new ModelRegistry(new ModelRegistryStore(pools.requests().dsl()));
        this.jobRegistry = new ModelRegistry(new ModelRegistryStore(pools.jobs().dsl()));
    }

    /** The registry over the client requests' pool. */
    ModelRegistry registry() {
        return registry;
    }

    /** The registry over the scheduler's pool, for the job core. */
    ModelRegistry jobRegistry() {
        return jobRegistry;
    }

    ClientPort clientPort() {
        return ClientPort.services(List.of(new TagGrpcService(new ModelTags(new TagStore(pools.requests().dsl(),
                        clock))),
                new ModelGrpcService(new ModelQueries(registry))));
    }
}
