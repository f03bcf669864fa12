package io.fedflow.node;

import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.federation.PartyClient;
import io.fedflow.node.job.JobIds;
import io.fedflow.node.model.CheckpointGrpcService;
import io.fedflow.node.model.MigrateSiteClient;
import io.fedflow.node.model.MigrateSiteGrpcService;
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
import io.grpc.BindableService;
import java.time.Clock;
import java.util.List;

/**
 * Models wired for one node: the registry over both pools (the job core reads models for predict jobs over the
 * scheduler's; the client API reads over the requests'), the model and tag APIs, and deploy and migrate, which
 * reach the other parties of a model over the signed site port.
 */
final class ModelWiring {
    private final ModelRegistry registry;
    private final ModelRegistry jobRegistry;
    private final Clock clock;
    private final NodePools pools;
    private final ModelDeploy deploy;
    private final PredictFiles predictFiles;
    private final ModelMigrationSite migrationSite;
    private final ModelMigration migration;

    ModelWiring(Clock clock, NodePools pools, String partyId, JobIds jobIds, PartyClient parties) {
        this.clock = clock;
        this.pools = pools;
        this.registry = new ModelRegistry(new ModelRegistryStore(pools.requests().dsl()));
        this.jobRegistry = new ModelRegistry(new ModelRegistryStore(pools.jobs().dsl()));
        // a child version has the form of a job id, as FATE's (made by the same generator: never one twice)
        this.deploy = new ModelDeploy(registry, partyId, jobIds::next,
                new ModelSiteClient(parties, PartyClient.RetryPolicy.DEFAULT.deadline()), clock);
        this.predictFiles = new PredictFiles(registry);
        this.migrationSite = new ModelMigrationSite(registry, clock);
        this.migration = new ModelMigration(new MigrateSiteClient(partyId, migrationSite, parties), jobIds::next);
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
        return ClientPort.services(List.of(new TagGrpcService(new ModelTags(new TagStore(pools.requests().dsl(),
                        clock))),
                new ModelGrpcService(new ModelQueries(registry), deploy, predictFiles, migration),
                new CheckpointGrpcService(checkpoints())));
    }

    /** Checkpoint reads over the requests' pool: the checkpoint API, and deploy from a chosen step. */
    ModelCheckpoints checkpoints() {
        return new ModelCheckpoints(registry, new CheckpointStore(pools.requests().dsl(), clock));
    }
}
