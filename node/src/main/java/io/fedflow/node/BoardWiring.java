package io.fedflow.node;

import io.fedflow.node.board.Board;
import io.fedflow.node.board.ComponentApi;
import io.fedflow.node.board.JobsApi;
import io.fedflow.node.core.Limits;
import io.fedflow.node.job.JobService;
import java.util.List;

/** The board's pages and the JSON adapters they read, over the domains' services. */
final class BoardWiring {
    private final Board board;

    BoardWiring(JobService jobs, TrackingWiring tracking, Limits limits) {
        this.board = new Board(List.of(new JobsApi(jobs),
                new ComponentApi(jobs, tracking.tracking(), tracking.metrics(), tracking.outputs(), limits)));
    }

    Board board() {
        return board;
    }
}
