package io.fedflow.node;

import io.fedflow.node.board.Board;
import io.fedflow.node.board.BoardAccess;
import io.fedflow.node.board.BoardLogin;
import io.fedflow.node.board.BoardSessions;
import io.fedflow.node.board.ComponentApi;
import io.fedflow.node.board.JobActionsApi;
import io.fedflow.node.board.JobsApi;
import io.fedflow.node.board.SessionApi;
import io.fedflow.node.core.Limits;
import io.fedflow.node.job.JobService;
import io.fedflow.node.server.ClientAuthentication;
import java.time.Clock;
import java.util.List;

/** The board's pages and the JSON adapters they read, over the domains' services. */
final class BoardWiring {
    private final Board board;

    /** @param clientAuthentication the API's client authentication, null when it is off (no login then) */
    BoardWiring(JobService jobs, TrackingWiring tracking, Limits limits, Clock clock,
                ClientAuthentication clientAuthentication) {
        BoardSessions sessions = new BoardSessions(limits, clock);
        BoardLogin login = clientAuthentication == null ? null : new BoardLogin(clientAuthentication, clock);
        this.board = new Board(List.of(new JobsApi(jobs), new JobActionsApi(jobs), new SessionApi(sessions, login),
                new ComponentApi(jobs, tracking.tracking(), tracking.metrics(), tracking.outputs(), limits)),
                new BoardAccess(sessions, login != null));
    }

    Board board() {
        return board;
    }
}
