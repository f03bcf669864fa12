/**
 * Jobs and tasks: FATE's {@code /v1/job}, {@code /v1/pipeline} and {@code /v1/resource}. {@link
 * io.fedflow.node.job.DslParser} checks a DSL v2 and runtime conf v2 into a {@link io.fedflow.node.job.JobPlan}.
 * The job core is split along its seams: {@code TaskRunner} runs this site's tasks (admit to the worker pool,
 * advance the DAG, launch, run, recover after a restart) and nothing else; {@code JobCoordinator} is the
 * initiator's side (admit with every party's cores, start, collect, retry, judge and end, stop, resync), with
 * {@code JobReruns} for reruns and {@code FanOut} for calls to several parties at once; {@link
 * io.fedflow.node.job.JobParticipant} is the party side, the one thing {@code federation}'s party service
 * calls; {@link io.fedflow.node.job.JobScheduler} is only the loop. {@link io.fedflow.node.job.JobService} is
 * the client API over {@code JobSubmission}, {@code JobParameters}, {@code JobCleanup} and {@code JobQueries};
 * {@link io.fedflow.node.job.JobModule} wires them all for a node. {@link io.fedflow.node.job.StatusMachine}
 * guards every status change. SQL lives in the stores only: {@link io.fedflow.node.job.JobStore} (the
 * scheduler's t_job/t_task rows), {@link io.fedflow.node.job.JobQueryStore} (the query APIs' reads), {@link
 * io.fedflow.node.job.LocalJobStore} (upload and download jobs, {@code data.LocalJobs}). {@code JobQueryCache}
 * keeps job/query's answers to polls of ended jobs, dropped by t_job's NOTIFY (V19) and this process's
 * commits. {@code TaskContext} is what a running task sees; {@code BoundedWaitChannel}, {@code MeteredChannel} and {@code WaitBoard} bound
 * and show a task's waits for peers; {@code JobGrpcService}, {@code PipelineGrpcService} and {@code
 * ResourceGrpcService} are the gRPC adapters.
 *
 * <p>Dependencies: {@code core}, {@code json}, {@code component} (it runs components, through {@code
 * ComponentContext} and {@code FederationChannel}), {@code data} (tables tasks read and write; it implements
 * {@code data.LocalJobs}), {@code tracking} ({@code TrackingStore}, where tasks' outputs go; {@code TarGz}),
 * {@code store}, {@code wire} ({@code FateJson}, {@code Responses}, {@code FileStreams}). It reaches other
 * parties only through its own {@code RemoteParties} and {@code TaskChannels} interfaces (the latter opens a
 * task's {@code FederationChannel}, whose receives a {@code core.AbortSignal} ends), which {@code federation}
 * implements: it must not import {@code federation}, nor {@code permission} ({@code
 * JobAdmission} is its seam).
 */
package io.fedflow.node.job;
