package io.fedflow.node.job;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The job domain's meters, recorded where the scheduler and the task runner already hold the numbers: no
 * database query per scrape. The gauges are what the last scheduling round saw (it runs every 200 ms).
 */
public final class JobMeters {
    static final String SENT = "sent";
    static final String RECEIVED = "received";

    private final MeterRegistry registry;
    private final Map<String, TransferCounters> transfers = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Timer queueWait;

    public JobMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("fedflow.jobs.waiting", waiting, AtomicInteger::get)
                .description("Jobs this site initiated waiting in its queue (for cores here or at a party)")
                .register(registry);
        Gauge.builder("fedflow.jobs.running", running, AtomicInteger::get)
                .description("Jobs running at this site, whoever initiated them").register(registry);
        this.queueWait = Timer.builder("fedflow.jobs.queue.wait")
                .description("How long a job this site initiated waited in the queue before it ran")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(12)).register(registry);
    }

    /** What a scheduling round found: jobs running at this site, queued jobs of this site. */
    void round(int runningJobs, int waitingJobs) {
        running.set(runningJobs);
        waiting.set(waitingJobs);
    }

    void admitted(Duration waited) {
        queueWait.record(waited.isNegative() ? Duration.ZERO : waited);
    }

    void jobEnded(JobStatus status) {
        Counter.builder("fedflow.jobs.ended").description("Jobs ended at this site, by end status")
                .tag("status", status.wire()).register(registry).increment();
    }

    /** Tasks running in this site's worker pool right now. */
    void runningTasks(Supplier<Number> count) {
        Gauge.builder("fedflow.tasks.running", count).description("Tasks running in this site's worker pool")
                .register(registry);
    }

    /** A task's run here ended ({@code status}: success, failed or canceled) after {@code took}. */
    void taskEnded(String module, JobStatus status, Duration took) {
        Timer.builder("fedflow.tasks.duration").description("Task runs at this site, by component module and end status")
                .tag("module", module).tag("status", status.wire()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(12))
                .register(registry).record(took);
    }

    /** A component message of {@code bytes} sent to or received from party {@code peer}. */
    void transferred(String direction, String peer, long bytes) {
        TransferCounters counters = transfers.computeIfAbsent(direction + ' ' + peer, k -> new TransferCounters(
                Counter.builder("fedflow.transfer.messages").description("Component messages exchanged with each party")
                        .tag("direction", direction).tag("peer", peer).register(registry),
                Counter.builder("fedflow.transfer.bytes").description("Bytes of component messages exchanged with "
                        + "each party").baseUnit("bytes").tag("direction", direction).tag("peer", peer)
                        .register(registry)));
        counters.messages().increment();
        counters.bytes().increment(bytes);
    }

    /** One direction's counters with one party, looked up once: a registry lookup costs more than the count. */
    private record TransferCounters(Counter messages, Counter bytes) {}
}
