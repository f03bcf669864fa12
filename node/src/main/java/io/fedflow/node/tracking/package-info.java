/**
 * What tasks produce and FATE's {@code /v1/tracking} reads. {@link io.fedflow.node.tracking.TrackingStore}
 * writes metric points and metas, models, summaries and output table records as tasks run; {@link
 * io.fedflow.node.tracking.TrackingService} reads them back (data view, metrics, parameters, output model,
 * output data and its tar.gz, summary, component list), from the latest task version that wrote any; {@code
 * TrackingGrpcService} is the gRPC adapter.
 *
 * <p>Dependencies: {@code core}, {@code json}, {@code component} ({@code RowSink}), {@code data} ({@code
 * TableCatalog}, {@code TableRows}: output tables are tables), {@code store}, {@code wire} ({@code FateJson},
 * {@code FileStreams}). Must not import {@code federation}, {@code job} or {@code server}. SQL lives in {@code
 * TrackingStore} (writes, as tasks run) and {@code TrackingQueryStore} (the reads of {@code /v1/tracking});
 * {@code TarGz} writes its archives and the job log archive.
 */
package io.fedflow.node.tracking;
