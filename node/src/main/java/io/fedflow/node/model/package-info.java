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
 *
 * <p>Dependencies: {@code core}, {@code store}, {@code wire}, {@code component} ({@code ModelInput}) and
 * {@code job} (the {@code PipelineModels} it implements; the job package never imports this one). Nothing
 * imports it but the root package (the composition root) and {@code serving} (which loads models from the registry).
 */
package io.fedflow.node.model;
