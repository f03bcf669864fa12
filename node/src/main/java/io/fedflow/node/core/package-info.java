/**
 * The few types every package of the node shares, below all of them: {@link
 * io.fedflow.node.core.FlowException} (a failure with FATE's retcode, from {@code io.fedflow.proto.RetCode},
 * and a {@link io.fedflow.node.core.FailureKind} that the servers alone map to gRPC and HTTP statuses),
 * {@link io.fedflow.node.core.NodeConfig} (what a node needs to start, built with its builder), {@link
 * io.fedflow.node.core.Limits} (every configurable cap) and {@link io.fedflow.node.core.ClientAppKeys}.
 *
 * <p>Dependencies: {@code proto} and the JDK only; it imports no package of the node.
 */
package io.fedflow.node.core;
