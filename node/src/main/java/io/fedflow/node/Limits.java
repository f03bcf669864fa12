package io.fedflow.node;

import java.time.Duration;
import java.util.Objects;

/**
 * The node's configurable caps: every bound a hostile or careless caller could otherwise push into memory,
 * connections or time. Each cap has a default, a {@code bin/fedflow-node} flag and a line in the README's
 * flag table, and a request over it is refused with a clear error rather than failing by accident.
 *
 * <p>Immutable; built with {@link #builder()} or changed one cap at a time with {@link #toBuilder()}.
 */
public final class Limits {
    /** A transfer (upload, download stream) that moves no byte for this long is cut off. */
    private final Duration streamIdleTimeout;
    /**
     * A task that waits this long for one message from a peer fails with the reason (the peer's task
     * failed, was stopped, runs another version, or its party does not answer) instead of waiting forever.
     */
    private final Duration peerMessageTimeout;

    private Limits(Builder b) {
        this.streamIdleTimeout = requirePositive(b.streamIdleTimeout, "stream idle timeout");
        this.peerMessageTimeout = requirePositive(b.peerMessageTimeout, "peer message timeout");
    }

    public static Limits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.streamIdleTimeout = streamIdleTimeout;
        b.peerMessageTimeout = peerMessageTimeout;
        return b;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    public Duration peerMessageTimeout() {
        return peerMessageTimeout;
    }

    private static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    private static long requirePositive(long n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + n);
        }
        return n;
    }

    /** Caps not set keep their defaults. */
    public static final class Builder {
        private Duration streamIdleTimeout = Duration.ofSeconds(60);
        private Duration peerMessageTimeout = Duration.ofMinutes(30);

        private Builder() {}

        public Builder streamIdleTimeout(Duration d) {
            this.streamIdleTimeout = d;
            return this;
        }

        public Builder peerMessageTimeout(Duration d) {
            this.peerMessageTimeout = d;
            return this;
        }

        public Limits build() {
            return new Limits(this);
        }
    }
}
