/**
 * FATE's models at this node. {@link io.fedflow.node.model.ModelRegistry} holds the pipeline models (one per
 * model id, version, role and party, with their components' Param and Meta) in PostgreSQL through
 * {@link io.fedflow.node.model.ModelRegistryStore}: a train job that succeeds here is recorded at each of its
 * parties; deploy, import, restore and migrate add versions. It implements the job core's
 * {@link io.fedflow.node.job.PipelineModels}, so a predict job reads its models from it.
 * {@link io.fedflow.node.model.ModelQueries} answers FATE's model queries over it and {@code ModelGrpcService}
 * adapts them (/v1/model/query, /v1/model/query/detail). {@link io.fedflow.node.model.TagStore} keeps tags and
 * which model versions carry them, {@link io.fedflow.node.model.ModelTags} is FATE's tag behaviour over it,
 * {@code TagGrpcService} the gRPC adapter (/v1/model/tag/*, /v1/model/model_tag/*).
 * {@link io.fedflow.node.model.ModelArchives} moves models in and out: export and import of a
 * {@link io.fedflow.node.model.ModelArchive} (Fedflow's zip, checked entry by entry on the way in), store and
 * restore through {@link io.fedflow.node.model.ArchiveStore} (the node's database or another PostgreSQL),
 * transfer, and the homo calls' refusal; {@code ModelArchiveGrpcService} adapts them.
 * {@link io.fedflow.node.model.ModelMigration} is /v1/model/migrate at the party that receives it: it asks each
 * execute party ({@link io.fedflow.node.model.MigrateSiteClient}: this site directly, the others over the signed
 * site port) to re-issue its part, and undoes the others' when one fails;
 * {@link io.fedflow.node.model.ModelMigrationSite} is an execute party's side ({@code MigrateSiteGrpcService} on
 * the site port), {@link io.fedflow.node.model.PartyIdMapping} what a migration rewrites.
 * {@link io.fedflow.node.model.ModelDeploy} is FATE's deploy: a child version with an inference DSL (from
 * {@code cpn_list} through the job core's {@code PredictDsl}, or a {@code predict_dsl} that
 * {@code PredictDslCheck} accepts) made at every party of the model, locally or over the signed site port
 * ({@code ModelSiteClient} calling {@code ModelSiteGrpcService}), undone everywhere when a party fails.
 * {@link io.fedflow.node.model.PredictFiles} answers the predict DSL and FATE's predict conf template.
 * {@link io.fedflow.node.model.ModelCheckpoints} answers /v1/checkpoint/list and /get over the checkpoints a
 * model's train job saved ({@code checkpoint} package), and is the read "deploy from a chosen step" takes a
 * step's models from; {@code CheckpointGrpcService} adapts it.
 * {@link io.fedflow.node.model.HeteroModelMerge} merges a HeteroLR model's guest and host parts held here into one
 * model ({@code LogisticPmml} writes its PMML) and {@link io.fedflow.node.model.WoeArrays} moves the hosts' WOE
 * from the guest's binning model into a new version of a host's; {@code ComponentModelGrpcService} adapts them
 * (/v1/component/hetero/merge, /v1/component/woe_array/*).
 *
 * <p>Dependencies: {@code core}, {@code store}, {@code wire}, {@code checkpoint}, {@code component}
 * ({@code ModelInput}), {@code job} (the {@code PipelineModels} it implements, {@code PredictDsl}; the job package
 * never imports this one) and {@code federation} (the signed site client and the verified caller of a site call).
 * Nothing imports it but the root package (the composition root), {@code server}, whose hand routes serve the
 * export's zip and read the import's multipart form, and {@code serving}, which loads models from the registry.
 */
package io.fedflow.node.model;
