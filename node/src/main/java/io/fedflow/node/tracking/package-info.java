/**
 * What tasks produce and FATE's {@code /v1/tracking} reads. {@link io.fedflow.node.tracking.TrackingStore}
 * writes metric points and metas, models, summaries and output table records as tasks run; {@link
 * io.fedflow.node.tracking.TrackingService} reads them back (data view, metrics, parameters, output model,
 * output data and its tar.gz, summary, component list), from the latest task version that wrote any; {@code
 * TrackingGrpcService} is the gRPC adapter.
 *
 * <p>Dependencies: the root package, {@code data} ({@code TableCatalog}, {@code TableRows}: output tables are
 * tables), {@code store}, {@code wire} ({@code FateJson}, {@code FileStreams}). Must not import {@code
 * federation}; should not import {@code job} or {@code server}. Known debt: it imports {@code job} ({@code
 * JobStore.parse}, {@code TarGz}) while {@code job} writes through {@code TrackingStore}: a cycle {@code
 * job}&harr;{@code tracking}. {@code TrackingService} also runs SQL of its own beside {@code TrackingStore}.
 */
package io.fedflow.node.tracking;
