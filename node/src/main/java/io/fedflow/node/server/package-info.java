/**
 * The two Armeria servers and what is shared by everything on the wire. {@link
 * io.fedflow.node.server.FlowServer} is the client port (FATE's {@code /v1} JSON transcoded from the gRPC
 * services, the same services over gRPC, reflection, {@code /docs}, {@code /health}) and
 * {@link io.fedflow.node.server.SiteServer} the site port (party services, gRPC only). {@link
 * io.fedflow.node.server.ErrorMapper} turns failures into FATE's envelope or a gRPC status with the
 * {@code fate-retcode} trailer; {@link io.fedflow.node.wire.FateJson} is FATE's JSON both ways. The
 * hand-written HTTP endpoints that transcoding cannot serve live here too: streamed upload ({@code
 * UploadHttpService}), download ({@code DownloadHttpService}) and tar.gz archives ({@code ArchiveRoutes},
 * {@code ArchiveHttpService}), with the client port's guards: {@code RequestAdmission}, {@code
 * ClientAuthentication}, {@code IdleWatch}, {@code StringFieldChecks}, {@code Retmsgs}.
 *
 * <p>Dependencies: imports the domain services it serves ({@code data}, {@code job}, {@code tracking}),
 * {@code store.DatabaseFailures} and {@code auth.hook}; holds no SQL and no domain rules. Domain packages
 * should never import {@code server}. Known debt: they do, because the wire vocabulary lives here ({@code
 * FateJson}, {@code Responses}, {@code FileStreams}, {@code ErrorMapper}'s retcode key), which makes cycles
 * {@code server}&harr;{@code data}, {@code server}&harr;{@code job} and {@code server}&harr;{@code tracking},
 * and has {@code federation}, {@code hook} and {@code permission} import {@code server}. Moving that
 * vocabulary into a neutral package below every domain removes them.
 */
package io.fedflow.node.server;

import io.fedflow.node.wire.FateJson;
import io.fedflow.node.wire.FileStreams;
import io.fedflow.node.wire.Responses;
import io.fedflow.node.wire.Retmsgs;
