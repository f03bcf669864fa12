/**
 * What tasks produce and FATE's {@code /v1/tracking} reads. {@link io.fedflow.node.tracking.TrackingStore}
 * writes metric points and metas, models, summaries and output table records as tasks run; three services read
 * them back, from the latest task version that wrote any: {@link io.fedflow.node.tracking.TrackingService}
 * (request defaults, data view, parameters, output model, summary, component list), {@link
 * io.fedflow.node.tracking.MetricService} (metrics) and {@link io.fedflow.node.tracking.OutputDataService}
 * (output tables, their rows and tar.gz). {@code TrackingRef} (what a read names) and {@code TrackingAnswer}
 * (its envelope) are theirs in common; {@code TrackingGrpcService} is the gRPC adapter. {@link
 * io.fedflow.node.tracking.OutputTablesAtParties} answers output/data/table for any party of a job, asking
 * another party's site through its {@code Sites} (wired by the composition root over the signed site port),
 * and {@code TrackingSiteGrpcService} is that call's site-port adapter. {@code PythonLiterals} writes values
 * as Python's str() does, for the output data CSV.
 *
 * <p>Dependencies: {@code core}, {@code json}, {@code component} ({@code RowSink}), {@code data} ({@code
 * TableCatalog}, {@code TableRows}: output tables are tables), {@code store}, {@code wire} ({@code FateJson},
 * {@code FileStreams}). Must not import {@code federation}, {@code job} or {@code server}. SQL lives in {@code
 * TrackingStore} (writes, as tasks run) and {@code TrackingQueryStore} (the reads of {@code /v1/tracking});
 * {@code TarGz} writes its archives and the job log archive.
 */
package io.fedflow.node.tracking;
