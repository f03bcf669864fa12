/**
 * The node's entry and composition root: {@link io.fedflow.node.NodeMain} (the {@code bin/fedflow-node}
 * command line, picocli) builds a {@link io.fedflow.node.NodeConfig} and starts a {@link io.fedflow.node.Node},
 * which opens the database and composes the node from per-domain wirings (no DI framework): {@code
 * DataWiring}, {@code HookWiring}, {@code FederationWiring}, {@code job.JobModule} and {@code TrackingWiring},
 * each contributing its services and routes to the client port ({@code ClientPort}) and its part of the
 * lifecycle; {@code NodePools} holds the connection pools. Beside them sit the few types every package
 * shares: {@link io.fedflow.node.FlowException} (a failure with FATE's retcode, from {@code
 * io.fedflow.proto.RetCode}, and a {@link io.fedflow.node.FailureKind} that the servers alone map to gRPC and
 * HTTP statuses), {@link io.fedflow.node.Limits} (every configurable cap) and {@link
 * io.fedflow.node.ClientAppKeys}.
 *
 * <p>Dependencies: {@code Node} may import every package, since it wires them; nothing but the demo (in
 * the {@code examples} module) imports {@code Node} or {@code NodeMain}. Other packages import only the
 * shared types from here. Known debt: {@code data} and {@code job} take the whole {@code NodeConfig} rather
 * than the values they use.
 */
package io.fedflow.node;
