package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.ModelStoreAddress;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.model.ArchiveStore;
import io.fedflow.node.model.MigrateSiteClient;
import io.fedflow.node.model.MigrateSiteGrpcService;
import io.fedflow.node.model.ModelArchiveGrpcService;
import io.fedflow.node.model.ModelArchives;
import io.fedflow.node.model.ModelGrpcService;
import io.fedflow.node.model.ModelMigration;
import io.fedflow.node.model.ModelMigrationSite;
import io.fedflow.node.model.ModelQueries;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.model.ModelRegistryStore;
import io.fedflow.node.model.ModelTags;
import io.fedflow.node.model.TagGrpcService;
import io.fedflow.node.model.TagStore;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.ModelImportHttpService;
import io.fedflow.node.store.ConnectionPool;
import io.grpc.BindableService;
import java.time.Clock;
import java.util.List;

/**
 * Models wired for one node: the registry over both pools (the job core records trained models and reads
 * them for predict jobs over the scheduler's; the client API reads over the requests'), the model and tag APIs,
 * and the model archive calls with their model store (the node's database, or another PostgreSQL), and the
 * migration's site service.
 */
final class ModelWiring implements AutoCloseable {
    /** Connections to an external model store: store and restore are rare, one archive at a time each. */
    private static final int MODEL_STORE_POOL = 2;

    private final ModelRegistry registry;
    private final ModelRegistry jobRegistry;
    private final Clock clock;
    private final NodePools pools;
    private final ConnectionPool modelStorePool;
    private final ModelArchives archives;
    private final Limits limits;

    private final ModelMigrationSite migrationSite;
    private final ModelMigration migration;

    ModelWiring(NodeConfig config, Clock clock, NodePools pools, JobIds jobIds, PartyClient parties) {
        this.clock = clock;
        this.pools = pools;
        this.limits = config.limits();
        this.registry = new ModelRegistry(new ModelRegistryStore(pools.requests().dsl()));
        this.jobRegistry = new ModelRegistry(new ModelRegistryStore(pools.jobs().dsl()));
        ModelStoreAddress address = config.modelStore();
        this.modelStorePool = address == null ? null : ConnectionPool.external("fedflow-model-store", address.url(),
                address.user(), address.password(), MODEL_STORE_POOL);
        ArchiveStore store = modelStorePool == null ? ArchiveStore.own(pools.requests().dsl())
                : ArchiveStore.external(modelStorePool.dsl());
        this.archives = new ModelArchives(registry, store, limits, clock);
        this.migrationSite = new ModelMigrationSite(registry, clock);
        this.migration = new ModelMigration(new MigrateSiteClient(config.partyId(), migrationSite, parties),
                jobIds::next);
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
        return new ClientPort(List.of(new TagGrpcService(new ModelTags(new TagStore(pools.requests().dsl(),
                        clock))),
                new ModelGrpcService(new ModelQueries(registry), migration),
                new ModelArchiveGrpcService(archives)),
                // FATE's client sends the export as a GET with a JSON body; the import is a multipart form
                List.of(new FlowServer.HttpRoute(HttpMethod.GET, "/v1/model/export",
                                ArchiveRoutes.modelExport(archives)),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/model/export",
                                ArchiveRoutes.modelExport(archives)),
                        new FlowServer.HttpRoute(HttpMethod.POST, "/v1/model/import",
                                new ModelImportHttpService(archives, limits), true,
                                // the archive, and the form's fields beside it
                                limits.maxModelArchive() + limits.maxRequestBody())));
    }

    @Override
    public void close() {
        if (modelStorePool != null) {
            modelStorePool.close();
        }
    }

    /** The model services of the site port (each call verified there first). */
    List<BindableService> siteServices() {
        return List.of(new MigrateSiteGrpcService(migrationSite));
    }
}
