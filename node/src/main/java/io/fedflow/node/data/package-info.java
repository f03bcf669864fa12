/**
 * Tables: FATE's {@code /v1/data} and {@code /v1/table} calls. {@link io.fedflow.node.data.UploadService}
 * streams a delimited file into a new table with PostgreSQL COPY ({@code CsvLoader}, {@code CopyWriter})
 * in one transaction; {@link io.fedflow.node.data.DownloadService} writes or streams one back; {@link
 * io.fedflow.node.data.TableCatalog} keeps table meta (t_storage_table_meta), deletion and lineage; {@link
 * io.fedflow.node.data.TableRows} reads rows with a cursor and {@link io.fedflow.node.data.TableWriter}
 * writes a component's output whole; {@link io.fedflow.node.data.TableBinder} registers an existing
 * PostgreSQL table in place ({@code BindAddresses} bounds where). {@code UploadComponent} and {@code
 * DownloadComponent} are the Upload and Download modules of a DSL; {@code DataGrpcService} and {@code
 * TableGrpcService} are the gRPC adapters; {@code LocalPaths} confines server-side paths to the import and
 * export directories.
 *
 * <p>Dependencies: {@code core}, {@code json}, {@code component} (for its two modules and {@code RowSink}),
 * {@code store}, {@code wire} ({@code FateJson}, {@code Responses}). Must not import {@code server}, {@code
 * federation}, {@code tracking} or {@code job}: the job rows of an upload or download go through its own
 * {@link io.fedflow.node.data.LocalJobs}, which {@code job} implements. SQL sits in the {@code Table*}
 * classes (they reach users' own tables too), {@code UploadStore}
 * (an upload's one transaction) and {@code JobTableStore} (the tables a job read and wrote).
 */
package io.fedflow.node.data;
