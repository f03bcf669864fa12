package io.fedflow.node.core;

/**
 * Links to the board's pages that answers carry (FATE's submit answer's {@code board_url}): this node's host
 * and the port its client port is actually bound to. With {@code --http-port 0} that port is chosen when the
 * server starts, after the services that answer were built, so the node names it here once it is known.
 */
public final class BoardLinks {
    private final String host;
    private volatile int port;

    /** @param configuredPort the port asked for; 0 until {@link #bound(int)} says which one was taken */
    public BoardLinks(String host, int configuredPort) {
        this.host = host;
        this.port = configuredPort;
    }

    /** The port the client port was bound to. */
    public void bound(int boundPort) {
        this.port = boundPort;
    }

    /** The board's page of a job, as seen by one of its parties. */
    public String jobPage(String jobId, String role, String partyId) {
        return "http://" + host + ":" + port + "/board/job.html?job_id=" + jobId + "&role=" + role + "&party_id="
                + partyId;
    }
}
