/**
 * Jobs and tasks: FATE's {@code /v1/job}, {@code /v1/pipeline} and {@code /v1/resource}. {@link
 * io.fedflow.node.job.DslParser} checks a DSL v2 and runtime conf v2 into a {@link
 * io.fedflow.node.job.JobPlan}; {@link io.fedflow.node.job.JobService} is the job operations (submit,
 * query, stop, rerun, clean, dag); {@link io.fedflow.node.job.JobScheduler} runs jobs at this node (queue,
 * {@code ResourceManager}'s cores, the DAG, task retries, recovery after a restart) and, at the initiator,
 * drives the other parties through {@link io.fedflow.node.job.RemoteParties}; {@link
 * io.fedflow.node.job.StatusMachine} guards every status change; {@link io.fedflow.node.job.JobStore} holds
 * the t_job and t_task rows; {@code TaskContext} is what a running task sees. {@code
 * BoundedWaitChannel}, {@code MeteredChannel} and {@code WaitBoard} bound and show a task's waits for peers;
 * {@code JobGrpcService}, {@code PipelineGrpcService} and {@code ResourceGrpcService} are the gRPC adapters.
 *
 * <p>Dependencies: the root package, {@code component} (it runs components, through {@code
 * ComponentContext} and {@code FederationChannel}), {@code data} (tables tasks read and write), {@code
 * tracking} ({@code TrackingStore}, where tasks' outputs go), {@code store}, {@code wire} ({@code FateJson},
 * {@code Responses}, {@code FileStreams}). It reaches other parties only
 * through its own {@code RemoteParties} interface and {@code FederationChannel.Factory}, which {@code
 * federation} implements: it must not import {@code federation}, nor {@code permission} ({@code JobAdmission}
 * is its seam). Known debt: cycles {@code job}&harr;{@code data} and {@code job}&harr;{@code tracking}
 * ({@code JobStore.parse}/{@code jsonb} are the project's JSON helpers; {@code tracking} uses {@code TarGz});
 * and SQL in
 * {@code JobScheduler}, {@code JobService} and {@code TaskContext}, not only in {@code JobStore}.
 */
package io.fedflow.node.job;
