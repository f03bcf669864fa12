package io.fedflow.node.component;

/**
 * The third-party data services ApiReader calls: a server's {@code upload}, {@code query} and {@code download}
 * services as FATE registers them with {@code /v1/service/registry} (seed 003). Implemented outside this package,
 * over the node's registry. Every call that fails throws a {@link io.fedflow.node.core.FlowException} whose
 * message carries the service's own answer (HTTP status, {@code code}, {@code msg}).
 */
public interface DataServiceClient {
    /** Why {@code serverName} cannot serve ApiReader at this party (not registered, a service missing), or null. */
    String unavailable(String serverName);

    /**
     * Sends the ids, one per line, as the multipart part {@code file} with query parameter {@code requestBody}
     * ({@code requestBody} is the JSON text); answers the {@code jobId} the service gave.
     */
    String upload(String serverName, String requestBody, IdSource ids);

    /** One poll of the query service with {@code {"jobId": jobId}}: what its {@code data.status} says. */
    JobState query(String serverName, String jobId);

    /**
     * Opens the download service's answer for {@code jobId}, to be read one line at a time (never the whole body
     * in memory); reading past the node's cap on downloaded bytes fails.
     */
    Lines download(String serverName, String jobId);

    /**
     * What the query service said.
     *
     * @param status  {@code data.status}, e.g. running, success, failed
     * @param message the service's message, empty when it gave none
     */
    record JobState(String status, String message) {}

    /** Pushes the ids to send. */
    @FunctionalInterface
    interface IdSource {
        void writeTo(IdSink out) throws Exception;
    }

    @FunctionalInterface
    interface IdSink {
        void id(String id) throws Exception;
    }

    /** A download being read: its lines without their line ends. */
    interface Lines extends AutoCloseable {
        /** The next line, or null at the end of the answer. */
        String next();

        @Override
        void close();
    }
}
