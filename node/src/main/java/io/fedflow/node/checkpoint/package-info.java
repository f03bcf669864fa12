/**
 * FATE's model checkpoints: the models a task had after chosen iterations (LR and HeteroLR save them when their
 * {@code callback_param} has {@code ModelCheckpoint}). {@link io.fedflow.node.checkpoint.CheckpointStore} keeps
 * them in t_model_checkpoint, one row per step and model name of an {@link
 * io.fedflow.node.checkpoint.CheckpointOwner} (a job's component at one role and party); the job package writes
 * them through a task's context, the model package reads them for /v1/checkpoint/*.
 *
 * <p>Dependencies: {@code json}, {@code store}. Imports no other package of the node.
 */
package io.fedflow.node.checkpoint;
