/**
 * The node's entry and composition root: {@link io.fedflow.node.NodeMain} (the {@code bin/fedflow-node}
 * command line, picocli) builds a {@code core.NodeConfig} and starts a {@link io.fedflow.node.Node}, which
 * opens the database and composes the node from per-domain wirings (no DI framework): {@code DataWiring},
 * {@code HookWiring}, {@code FederationWiring}, {@code job.JobModule} and {@code TrackingWiring}, each
 * contributing its services and routes to the client port ({@code ClientPort}) and its part of the
 * lifecycle; {@code NodePools} holds the connection pools.
 *
 * <p>Dependencies: this package may import every package, since it wires them; no package of the node
 * imports it (only the demo in the {@code examples} module, the tests and the benchmarks start a {@code
 * Node}), so it closes no cycle. The types every package shares live in {@code core}. Known debt: {@code
 * data} and {@code job} take the whole {@code NodeConfig} rather than the values they use.
 */
package io.fedflow.node;
