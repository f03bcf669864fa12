/**
 * FATE's models at this node. For now their tags: {@link io.fedflow.node.model.TagStore} keeps tags and which
 * model versions (job ids at this node) carry them in PostgreSQL, {@link io.fedflow.node.model.ModelTags} is
 * FATE's tag behaviour over it, {@code TagGrpcService} the gRPC adapter (transcoded to /v1/model/tag/* and
 * /v1/model/model_tag/*).
 *
 * <p>Dependencies: {@code core}, {@code store}, {@code wire} ({@code FateJson}, {@code Responses}). Nothing
 * imports it but the root package (the composition root).
 */
package io.fedflow.node.model;
