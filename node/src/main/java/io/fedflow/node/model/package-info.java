/**
 * FATE's models at this node: their tags and queries. {@link io.fedflow.node.model.TagStore} keeps tags and which
 * model versions (job ids at this node) carry them in PostgreSQL, {@link io.fedflow.node.model.ModelTags} is
 * FATE's tag behaviour over it, {@code TagGrpcService} the gRPC adapter (transcoded to /v1/model/tag/* and
 * /v1/model/model_tag/*). {@link io.fedflow.node.model.ModelStore} reads the models themselves (jobs that
 * succeeded here) from t_job, {@link io.fedflow.node.model.ModelQueries} answers FATE's model queries over it and
 * {@code ModelGrpcService} adapts them (/v1/model/query, /v1/model/query/detail). {@link
 * io.fedflow.node.model.ModelCheckpoints} answers /v1/checkpoint/list and /get over the checkpoints a model's train job
 * saved ({@code checkpoint} package), and is the read "deploy from a chosen step" takes a step's models from;
 * {@code CheckpointGrpcService} adapts it.
 *
 * <p>Dependencies: {@code core}, {@code store}, {@code wire} ({@code FateJson}, {@code Responses}), {@code
 * checkpoint}. Nothing imports it but the root package (the composition root).
 */
package io.fedflow.node.model;
