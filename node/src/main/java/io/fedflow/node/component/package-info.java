/**
 * What a job's DSL modules are to the node: {@link io.fedflow.node.component.Component} (one module, run as
 * one task at one party), {@link io.fedflow.node.component.ComponentContext} (everything a task sees: its
 * parameters, input tables and models, outputs, tracking, cancellation), {@link
 * io.fedflow.node.component.FederationChannel} (messages to the same component at the other parties), and
 * {@link io.fedflow.node.component.ComponentRegistry} of {@link io.fedflow.node.component.ComponentDefinition}s
 * (names, aliases, {@code Param}/{@code ParamSpec} checks and {@code InputRule}s applied at submit, and the
 * {@code PartyCheck} only the party running a task can make). {@link io.fedflow.node.component.DataServiceClient}
 * is the port through which ApiReader calls the registered data services (implemented in {@code hook}). The
 * implementations are in {@code builtin} (and {@code data} for Upload/Download); {@code job} implements the
 * context and the channel.
 *
 * <p>Dependencies: {@code core} only ({@code FlowException}) and {@code proto.RetCode} and Jackson. Must not import
 * {@code job}, {@code data}, {@code federation}, {@code tracking}, {@code store} or {@code server}, so that
 * components can be tested in memory and moved to a module of their own ({@code ComponentContext.scan} hands
 * rows to this package's own {@link io.fedflow.node.component.RowSink}).
 */
package io.fedflow.node.component;
