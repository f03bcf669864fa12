package io.fedflow.node;

import io.fedflow.node.board.Board;
import io.fedflow.node.board.JobsApi;
import io.fedflow.node.job.JobService;
import java.util.List;

/** The board's pages and the JSON adapters they read, over the domains' services. */
final class BoardWiring {
    private final Board board;

    BoardWiring(JobService jobs) {
        this.board = new Board(List.of(new JobsApi(jobs)));
    }

    Board board() {
        return board;
    }
}
