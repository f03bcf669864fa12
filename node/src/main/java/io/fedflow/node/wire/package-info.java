/**
 * The wire vocabulary every package may use, below all domain packages: {@link
 * io.fedflow.node.wire.FateJson} (FATE's JSON both ways and the node's one {@code ObjectMapper}), {@link
 * io.fedflow.node.wire.Responses} (the success envelope), {@link io.fedflow.node.wire.Retmsgs} (the retmsg
 * cap), {@link io.fedflow.node.wire.FileStreams} (a file sent as HTTP attachment or gRPC chunks) and
 * {@link io.fedflow.node.wire.SiteMessages} (the bound on one site message). Retcodes and the {@code
 * fate-retcode} trailer key are {@code io.fedflow.proto.RetCode}, shared with {@code auth} and the CLI.
 *
 * <p>Dependencies: {@code core} ({@code FlowException}, {@code Limits}), {@code store.DatabaseFailures},
 * {@code proto}, Jackson, protobuf and Armeria's common types. It imports no domain package and not {@code
 * server}: failures are thrown as {@code FlowException}, and only the servers' error handlers turn them into
 * answers.
 */
package io.fedflow.node.wire;
