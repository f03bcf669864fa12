/**
 * The two Armeria servers and their error path. {@link io.fedflow.node.server.FlowServer} is the client
 * port (FATE's {@code /v1} JSON transcoded from the gRPC services, the same services over gRPC, reflection,
 * {@code /docs}, {@code /health}) and {@link io.fedflow.node.server.SiteServer} the site port (party
 * services, gRPC only). Each registers one error handler: {@link io.fedflow.node.server.FlowErrorHandler}
 * on the client port (FATE's envelope with HTTP 200 for JSON, the envelope with a non-200 status for
 * streamed routes, 413/408 for a request past a cap, a gRPC status with the {@code fate-retcode} trailer
 * for gRPC), {@link io.fedflow.node.server.GrpcFailures} on the site port. Everything else here throws
 * ({@code FlowException}); {@link io.fedflow.node.server.ErrorMapper} is the one mapping from a failure's
 * retcode and kind to the statuses. The hand-written HTTP endpoints that transcoding cannot serve live
 * here too: streamed upload ({@code UploadHttpService}), download ({@code DownloadHttpService}) and tar.gz
 * archives ({@code ArchiveRoutes}, {@code ArchiveHttpService}), with the client port's guards: {@code
 * RequestAdmission}, {@code ClientAuthentication}, {@code IdleWatch}, {@code StringFieldChecks}.
 *
 * <p>Dependencies: imports the domain services it serves ({@code data}, {@code job}, {@code tracking}),
 * {@code wire} (FATE's JSON, envelopes, retmsg caps, file streams), {@code store.DatabaseFailures} and
 * {@code auth.hook}; holds no SQL and no domain rules. No domain package imports {@code server}.
 */
package io.fedflow.node.server;
