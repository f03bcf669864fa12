/**
 * {@code bin/flow}, FATE-Flow's command line over the node's gRPC API (the client port, h2c). {@link
 * io.fedflow.cli.FlowCli} is the picocli root; one class per command group ({@code DataCommand}, {@code
 * TableCommand}, {@code JobCommand}, {@code TaskCommand}, {@code ComponentCommand}, {@code ResourceCommand},
 * {@code QueueCommand}, {@code SiteCommand}, {@code KeyCommand}) maps FATE's flags onto request messages.
 * {@code Envelope} prints FATE's envelope as FATE's CLI does (and sets the exit code from {@code retcode});
 * {@code ConfFile} reads FATE's loose conf files; {@code FileUpload} streams an upload ({@code Progress}
 * draws its bar on stderr); {@code Archives} extracts tar.gz downloads; {@code Channels} opens the channel.
 *
 * <p>Dependencies: {@code proto} (the generated stubs, {@code RetCode} and its {@code fate-retcode}
 * trailer, shared with the node), {@code auth.tls} (only for {@code flow site cert}),
 * grpc-netty-shaded, picocli. Must never import {@code io.fedflow.node}: the CLI knows a node only by its
 * wire, so it works against any node (its tests start real nodes, test scope only).
 */
package io.fedflow.cli;
