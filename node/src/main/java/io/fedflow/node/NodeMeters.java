package io.fedflow.node;

import io.fedflow.node.component.paillier.PaillierCounter;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.job.JobAdmission;
import io.fedflow.node.job.JobMeters;
import io.fedflow.node.store.ConnectionPool;
import io.fedflow.proto.RetCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The node's meter registry (one per node: nodes sharing a JVM keep theirs apart) and the bindings of what
 * does not know Micrometer: the Paillier counts of {@code component}, the connection pools, the permission
 * refusals. Every meter carries the node's party id.
 */
final class NodeMeters implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<PaillierCounter.Operation, Counter> paillier = new EnumMap<>(PaillierCounter.Operation.class);
    private final JobMeters jobs;

    NodeMeters(String partyId) {
        registry.config().commonTags("party", partyId).meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                // Armeria's request latency (the whole exchange) in buckets Prometheus can aggregate, from 1 ms to
                // a minute; its other timers keep count, sum and max (a histogram each would triple the scrape).
                String name = id.getName();
                if ((name.startsWith("fedflow.client.") || name.startsWith("fedflow.site."))
                        && name.endsWith(".total.duration")) {
                    return DistributionStatisticConfig.builder().percentilesHistogram(true)
                            .minimumExpectedValue((double) Duration.ofMillis(1).toNanos())
                            .maximumExpectedValue((double) Duration.ofMinutes(1).toNanos())
                            .build().merge(config);
                }
                return config;
            }
        });
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
        for (PaillierCounter.Operation op : PaillierCounter.Operation.values()) {
            paillier.put(op, Counter.builder("fedflow.paillier.operations")
                    .description("Paillier operations done by this site's tasks")
                    .tag("operation", op.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        this.jobs = new JobMeters(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    JobMeters jobs() {
        return jobs;
    }

    /** The tasks' Paillier keys count into {@code fedflow.paillier.operations}. */
    PaillierCounter paillier() {
        return (op, times) -> paillier.get(op).increment(times);
    }

    /** Hikari's own meters ({@code hikaricp.connections.*}, by pool name). */
    void bind(ConnectionPool... pools) {
        for (ConnectionPool p : pools) {
            p.bindMeters(registry);
        }
    }

    /** {@code admission} whose refusals (not granted) are counted with the site-call refusals. */
    JobAdmission counted(JobAdmission admission) {
        Counter notGranted = Counter.builder("fedflow.site.refusals")
                .description("Inbound site calls refused, by reason").tag("reason", "not_granted").register(registry);
        return (sourceParty, plan, role, partyId) -> {
            try {
                admission.check(sourceParty, plan, role, partyId);
            } catch (FlowException e) {
                if (e.retcode() == RetCode.PERMISSION_ERROR.code()) {
                    notGranted.increment();
                }
                throw e;
            }
        };
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
