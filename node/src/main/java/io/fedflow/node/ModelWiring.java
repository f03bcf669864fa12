package io.fedflow.node;

import com.linecorp.armeria.common.HttpMethod;
import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.ModelStoreAddress;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.model.ArchiveStore;
import io.fedflow.node.model.CheckpointGrpcService;
import io.fedflow.node.model.ComponentModelGrpcService;
import io.fedflow.node.model.HeteroModelMerge;
import io.fedflow.node.model.MigrateSiteClient;
import io.fedflow.node.model.MigrateSiteGrpcService;
import io.fedflow.node.model.ModelArchiveGrpcService;
import io.fedflow.node.model.ModelArchives;
import io.fedflow.node.model.ModelCheckpoints;
import io.fedflow.node.model.ModelDeploy;
import io.fedflow.node.model.ModelGrpcService;
import io.fedflow.node.model.ModelMigration;
import io.fedflow.node.model.ModelMigrationSite;
import io.fedflow.node.model.ModelQueries;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.model.ModelRegistryStore;
import io.fedflow.node.model.ModelSiteClient;
import io.fedflow.node.model.ModelSiteGrpcService;
import io.fedflow.node.model.ModelTags;
import io.fedflow.node.model.PredictFiles;
import io.fedflow.node.model.TagGrpcService;
import io.fedflow.node.model.TagStore;
import io.fedflow.node.model.WoeArrays;
import io.fedflow.node.server.ArchiveRoutes;
import io.fedflow.node.server.FlowServer;
import io.fedflow.node.server.ModelImportHttpService;
import io.fedflow.node.store.ConnectionPool;
import io.grpc.BindableService;
import java.time.Clock;
import java.util.List;

/**
 * Models wired for one node: the registry over both pools (the job core reads models for predict jobs over the
 * scheduler's; the client API reads over the requests'), the model, tag and checkpoint APIs, deploy and migrate,
 * which reach the other parties of a model over the signed site port, and the archive calls with their model
 * store (the node's database, or another PostgreSQL).
 */
final class ModelWiring implements AutoCloseable {
    /** Connections to an external model store: store and restore are rare, one archive at a time each. */
    private static final int MODEL_STORE_POOL = 2;

    private final ModelRegistry registry;
    private final ModelRegistry jobRegistry;
    private final Clock clock;
    private final NodePools pools;
    private final Limits limits;
    private final ModelDeploy deploy;
    private final PredictFiles predictFiles;
    private final ConnectionPool modelStorePool;
    private final ModelArchives archives;
    private final ModelMigrationSite migrationSite;
    private final ModelMigration migration;
    private final WoeArrays woeArrays;

    ModelWiring(NodeConfig config, Clock clock, NodePools pools, JobIds jobIds, PartyClient parties) {
        this.clock = clock;
        this.pools = pools;
        this.limits = config.limits();
        this.registry = new ModelRegistry(new ModelRegistryStore(pools.requests().dsl()));
        this.jobRegistry = new ModelRegistry(new ModelRegistryStore(pools.jobs().dsl()));
        // a child version has the form of a job id, as FATE's (made by the same generator: never one twice)
        this.deploy = new ModelDeploy(registry, config.partyId(), jobIds::next,
                new ModelSiteClient(parties, PartyClient.RetryPolicy.DEFAULT.deadline()), checkpoints(), clock);
        this.predictFiles = new PredictFiles(registry);
        ModelStoreAddress address = config.modelStore();
        this.modelStorePool = address == null ? null : ConnectionPool.external("fedflow-model-store", address.url(),
                address.user(), address.password(), MODEL_STORE_POOL);
        ArchiveStore store = modelStorePool == null ? ArchiveStore.own(pools.requests().dsl())
                : ArchiveStore.external(modelStorePool.dsl());
        this.archives = new ModelArchives(registry, store, limits, clock);
        this.migrationSite = new ModelMigrationSite(registry, clock);
        this.migration = new ModelMigration(new MigrateSiteClient(config.partyId(), migrationSite, parties),
                jobIds::next);
        // a WOE merge saves a new version, named as a deploy's child is
        this.woeArrays = new WoeArrays(registry, jobIds::next, clock);
    }

    /** The registry over the client requests' pool. */
    ModelRegistry registry() {
        return registry;
    }

    /** The registry over the scheduler's pool, for the job core. */
    ModelRegistry jobRegistry() {
        return jobRegistry;
    }

    /** What the site port serves for models (each call verified there first): the party side of deploy, migrate. */
    List<BindableService> siteServices() {
        return List.of(new ModelSiteGrpcService(deploy), new MigrateSiteGrpcService(migrationSite));
    }

    ClientPort clientPort() {
        return new ClientPort(List.of(new TagGrpcService(new ModelTags(new TagStore(pools.requests().dsl(),
                        clock))),
                new ModelGrpcService(new ModelQueries(registry), deploy, predictFiles, migration),
                new CheckpointGrpcService(checkpoints()),
                new ModelArchiveGrpcService(archives),
                new ComponentModelGrpcService(new HeteroModelMerge(registry), woeArrays)),
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

    /** Checkpoint reads over the requests' pool: the checkpoint API, and deploy from a chosen step. */
    ModelCheckpoints checkpoints() {
        return new ModelCheckpoints(registry, new CheckpointStore(pools.requests().dsl(), clock));
    }

    @Override
    public void close() {
        if (modelStorePool != null) {
            modelStorePool.close();
        }
    }
}
