package io.fedflow.node;

import io.fedflow.auth.permission.GrantStore;
import io.fedflow.node.board.Board;
import io.fedflow.node.board.BoardAccess;
import io.fedflow.node.board.BoardLogin;
import io.fedflow.node.board.BoardLoginThrottle;
import io.fedflow.node.board.BoardSessions;
import io.fedflow.node.board.ComponentApi;
import io.fedflow.node.board.JobApi;
import io.fedflow.node.board.JobEvents;
import io.fedflow.node.board.JobsApi;
import io.fedflow.node.board.ModelsApi;
import io.fedflow.node.board.SessionApi;
import io.fedflow.node.board.SitesApi;
import io.fedflow.node.board.TablesApi;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.data.TableCatalog;
import io.fedflow.node.federation.PeerDirectory;
import io.fedflow.node.job.JobService;
import io.fedflow.node.model.ModelRegistry;
import io.fedflow.node.server.ClientAuthentication;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;

/** The board's pages and the JSON adapters they read, over the domains' services. */
final class BoardWiring implements AutoCloseable {
    private final Board board;
    private final JobEvents events;

    /** The domain services the board's pages read. */
    record Sources(JobService jobs, TableCatalog tables, PeerDirectory peers, GrantStore grants,
                   ModelRegistry models, TrackingWiring tracking) {}

    /** @param clientAuthentication the API's client authentication, null when it is off (no login then) */
    BoardWiring(NodeConfig config, Clock clock, Sources sources, MeterRegistry meters,
                ClientAuthentication clientAuthentication) {
        Limits limits = config.limits();
        JobService jobs = sources.jobs();
        TrackingWiring tracking = sources.tracking();
        BoardSessions sessions = new BoardSessions(limits, clock);
        BoardLogin login = clientAuthentication == null ? null : new BoardLogin(clientAuthentication, clock);
        this.events = new JobEvents(jobs, limits, meters);
        this.board = new Board(List.of(new JobsApi(jobs, limits), new JobApi(jobs), events,
                new TablesApi(sources.tables(), jobs, limits),
                new SitesApi(config.partyId(), sources.peers(), sources.grants()), new ModelsApi(sources.models(), limits),
                new SessionApi(sessions, login, new BoardLoginThrottle(limits, clock)),
                new ComponentApi(jobs, tracking.tracking(), tracking.metrics(), tracking.outputs(), limits)),
                new BoardAccess(sessions, login != null));
    }

    Board board() {
        return board;
    }

    /** Ends the live streams and their polls. */
    @Override
    public void close() {
        events.close();
    }
}
