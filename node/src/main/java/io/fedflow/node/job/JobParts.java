package io.fedflow.node.job;

/** The parts of the job core that the client API ({@link JobService}) and the party side hand work to. */
record JobParts(TaskRunner runner, JobCoordinator coordinator, JobReruns reruns, JobSubmission submission,
                JobParameters parameters, JobCleanup cleanup, JobQueries queries) {}
