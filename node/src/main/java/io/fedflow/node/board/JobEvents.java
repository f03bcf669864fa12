package io.fedflow.node.board;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.sse.ServerSentEvent;
import com.linecorp.armeria.common.stream.StreamMessage;
import com.linecorp.armeria.common.stream.StreamWriter;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Blocking;
import com.linecorp.armeria.server.annotation.Default;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.streaming.ServerSentEvents;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.job.JobService;
import io.fedflow.node.server.ErrorMapper;
import io.fedflow.proto.RetCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job followed live by board pages (server-sent events, event {@code job} carrying what
 * {@code jobs/{job_id}} answers in {@code data}, sent whenever it changed). However many pages follow a job,
 * it is read once a second: the first page to follow it starts its poll, the last one to leave stops it, and
 * a job that ended is sent once and its streams end, so nothing polls a finished job. The pages following
 * jobs at once are capped ({@code --max-board-watchers}).
 */
@Blocking
public final class JobEvents implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(JobEvents.class);
    /** How often a followed job is read, whoever follows it. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    private final JobService jobs;
    private final int maxWatchers;
    private final Duration interval;
    private final ScheduledExecutorService poller;
    private final Counter polls;
    /** Guarded by this: each followed job and its watchers. */
    private final Map<Key, Followed> followed = new HashMap<>();
    /** Guarded by this: the streams open across every followed job. */
    private int watchers;

    /** A job at one of its rows (role and party): what one poll reads. */
    private record Key(String jobId, String role, String partyId) {}

    /** A followed job: its last answer, the streams following it, its poll. */
    private static final class Followed {
        final Key key;
        final List<StreamWriter<ServerSentEvent>> writers = new ArrayList<>();
        String last;
        ScheduledFuture<?> poll;

        Followed(Key key, String last) {
            this.key = key;
            this.last = last;
        }
    }

    public JobEvents(JobService jobs, Limits limits, MeterRegistry meters) {
        this(jobs, limits, meters, POLL_INTERVAL);
    }

    JobEvents(JobService jobs, Limits limits, MeterRegistry meters, Duration interval) {
        this.jobs = jobs;
        this.maxWatchers = limits.maxBoardWatchers();
        this.interval = interval;
        // Two threads: one slow read (a busy database) does not hold every other followed job back.
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "fedflow-board-poll");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.poller = executor;
        this.polls = Counter.builder("fedflow.board.job.polls")
                .description("reads of jobs followed live by board pages (one a second per job, however many pages)")
                .register(meters);
        Gauge.builder("fedflow.board.watchers", this, JobEvents::watchers)
                .description("board pages following a job live").register(meters);
        Gauge.builder("fedflow.board.followed.jobs", this, JobEvents::followedJobs)
                .description("jobs followed live by board pages, each read once a second").register(meters);
    }

    @Get("/jobs/{job_id}/events")
    public HttpResponse events(ServiceRequestContext ctx, @Param("job_id") String jobId,
                               @Param("role") @Default("") String role,
                               @Param("party_id") @Default("") String partyId) {
        try {
            ObjectNode view = jobs.overview(jobId, role, partyId);
            String text = view.toString();
            if (ended(view)) {
                return ServerSentEvents.fromPublisher(StreamMessage.of(event(text)));
            }
            ObjectNode job = (ObjectNode) view.get("job");
            StreamWriter<ServerSentEvent> writer = watch(new Key(jobId, job.path("role").asText(),
                    job.path("party_id").asText()), text);
            // The stream lasts as long as the job runs: no request timeout.
            ctx.clearRequestTimeout();
            return ServerSentEvents.fromPublisher(writer);
        } catch (RuntimeException e) {
            return ErrorMapper.streamAnswer(e);
        }
    }

    private synchronized StreamWriter<ServerSentEvent> watch(Key key, String text) {
        if (watchers >= maxWatchers) {
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.OVERLOADED, "board pages follow jobs live "
                    + watchers + " times already, the cap (" + Limits.MAX_BOARD_WATCHERS_FLAG + " " + maxWatchers
                    + "); close one or read jobs/{job_id} instead", null);
        }
        Followed f = followed.computeIfAbsent(key, k -> start(k, text));
        StreamWriter<ServerSentEvent> writer = StreamMessage.streaming();
        writer.tryWrite(event(f.last));
        f.writers.add(writer);
        watchers++;
        // Completes when the page goes away (the stream is aborted) as when the job's end closes it.
        writer.whenComplete().handle((ignored, cause) -> {
            unwatch(key, writer);
            return null;
        });
        return writer;
    }

    private Followed start(Key key, String text) {
        Followed f = new Followed(key, text);
        f.poll = poller.scheduleWithFixedDelay(() -> poll(f), interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        return f;
    }

    private synchronized void unwatch(Key key, StreamWriter<ServerSentEvent> writer) {
        Followed f = followed.get(key);
        if (f == null || !f.writers.remove(writer)) {
            return;
        }
        watchers--;
        if (f.writers.isEmpty()) {
            stop(f);
        }
    }

    /** One read of a followed job: its watchers get it when it changed, and their streams end with the job. */
    private void poll(Followed f) {
        polls.increment();
        ObjectNode view;
        try {
            view = jobs.overview(f.key.jobId(), f.key.role(), f.key.partyId());
        } catch (FlowException e) {
            if (e.kind() == FailureKind.NOT_FOUND) {
                end(f, null); // the job's rows went away: nothing more will come
            }
            logger.warn("board: reading job {} failed: {}", f.key.jobId(), e.getMessage());
            return;
        } catch (RuntimeException e) {
            logger.warn("board: reading job {} failed", f.key.jobId(), e);
            return;
        }
        String text = view.toString();
        if (ended(view)) {
            end(f, text);
            return;
        }
        synchronized (this) {
            if (followed.get(f.key) == f && !text.equals(f.last)) {
                f.last = text;
                f.writers.forEach(w -> w.tryWrite(event(text)));
            }
        }
    }

    /** The job ended (or went away): its last answer if it changed, then every stream following it ends. */
    private void end(Followed f, String text) {
        List<StreamWriter<ServerSentEvent>> ending;
        synchronized (this) {
            if (followed.get(f.key) != f) {
                return;
            }
            ending = List.copyOf(f.writers);
            f.writers.clear();
            watchers -= ending.size();
            stop(f);
        }
        for (StreamWriter<ServerSentEvent> w : ending) {
            if (text != null && !text.equals(f.last)) {
                w.tryWrite(event(text));
            }
            w.close();
        }
    }

    private void stop(Followed f) {
        followed.remove(f.key, f);
        f.poll.cancel(false);
    }

    private static boolean ended(ObjectNode view) {
        return JobService.ended(view.path("job").path("status").asText());
    }

    private static ServerSentEvent event(String json) {
        return ServerSentEvent.builder().event("job").data(json).build();
    }

    synchronized int watchers() {
        return watchers;
    }

    synchronized int followedJobs() {
        return followed.size();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        List<StreamWriter<ServerSentEvent>> open = new ArrayList<>();
        synchronized (this) {
            followed.values().forEach(f -> open.addAll(f.writers));
        }
        open.forEach(StreamWriter::close);
    }
}
