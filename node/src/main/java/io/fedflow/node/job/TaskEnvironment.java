package io.fedflow.node.job;

import io.fedflow.node.checkpoint.CheckpointStore;
import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.data.TableRows;
import io.fedflow.node.data.TableWriter;
import io.fedflow.node.tracking.TrackingStore;
import java.time.Duration;

/**
 * What a running task reaches beyond its job: tables to read and write, tracking for its outputs, and
 * the channel to the same component at the other parties (whose waits are bounded by {@code
 * peerMessageTimeout}), and the pipeline models (a train job's success records one; a predict job reads one),
 * and the store of the checkpoints its tasks save, and where its Paillier keys count their operations and
 * how many obfuscators they may draw ahead ({@code Limits.maxPrecomputedObfuscators}), how many ids an
 * Intersection message holds ({@code Limits.intersectChunkIds}), how many bytes of messages a task may
 * have on their way unacknowledged ({@code Limits.transferSendQueueBytes}), how many rows
 * HeteroFeatureBinning's guest encrypts into one message ({@code Limits.binningChunkRows}), and how many rows a
 * streaming component works on at once ({@code Limits.componentChunkRows}).
 */
public record TaskEnvironment(TableCatalog catalog, TableRows rows, TableWriter writer, TrackingStore tracking,
                              TaskChannels channels, Duration peerMessageTimeout,
                              PipelineModels models, CheckpointStore checkpoints, PaillierCounter paillier,
                              int precomputedObfuscators, int intersectChunkIds,
                              long transferSendQueueBytes, int binningChunkRows, int componentChunkRows) {}
