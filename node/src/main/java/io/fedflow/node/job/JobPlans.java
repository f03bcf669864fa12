package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.json.Json;
import io.fedflow.node.store.generated.tables.records.TJobRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Stored jobs' plans (parsed once per run, cached until the job ends or reruns) and where their parties are. */
final class JobPlans {
    private final DslParser parser;
    private final String thisParty;
    private final Map<String, JobPlan> plans = new ConcurrentHashMap<>();

    JobPlans(DslParser parser, String thisParty) {
        this.parser = parser;
        this.thisParty = thisParty;
    }

    String thisParty() {
        return thisParty;
    }

    JobPlan parse(JsonNode dsl, JsonNode conf) {
        return parser.parse(dsl, conf);
    }

    /** The plan of a stored job, parsed again (not cached). */
    JobPlan fresh(TJobRecord job) {
        return parser.parse(Json.parse(job.getFDsl().data()), Json.parse(job.getFRuntimeConf().data()));
    }

    /** The plan of a scheduled job, cached while it runs. */
    JobPlan cached(TJobRecord job) {
        return plans.computeIfAbsent(job.getFJobId(), id -> fresh(job));
    }

    void forget(String jobId) {
        plans.remove(jobId);
    }

    /** Whether this site schedules the job: it initiated it. Elsewhere it runs its tasks and follows. */
    boolean coordinates(TJobRecord job) {
        return JobStore.isHere(job.getFInitiatorRole(), job.getFInitiatorPartyId(), thisParty);
    }

    /** The other sites of a job, by party id. */
    List<String> remoteParties(JobPlan plan) {
        return plan.parties().stream().filter(p -> !JobStore.isHere(p.getKey(), p.getValue(), thisParty))
                .map(Map.Entry::getValue).distinct().sorted().toList();
    }
}
