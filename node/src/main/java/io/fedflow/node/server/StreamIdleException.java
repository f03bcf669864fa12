package io.fedflow.node.server;

import java.net.SocketTimeoutException;

/** A request body that stopped arriving for longer than the idle timeout: the transfer is cut off. */
final class StreamIdleException extends SocketTimeoutException {
    private static final long serialVersionUID = 1L;

    StreamIdleException(String message) {
        super(message);
    }
}
