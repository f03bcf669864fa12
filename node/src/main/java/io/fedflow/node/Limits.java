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
    /** A table bind with {@code host} that has not connected and logged in within this is refused. */
    private final Duration bindConnectTimeout;
    /** The most auto_retries a job may ask for a failed task; more is refused at submit. */
    private final int maxAutoRetries;

    private Limits(Builder b) {
        this.streamIdleTimeout = requirePositive(b.streamIdleTimeout, "stream idle timeout");
        this.bindConnectTimeout = requirePositive(b.bindConnectTimeout, "bind connect timeout");
        this.maxAutoRetries = (int) requireNonNegative(b.maxAutoRetries, "max auto retries");
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
        b.bindConnectTimeout = bindConnectTimeout;
        b.maxAutoRetries = maxAutoRetries;
        return b;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    public Duration bindConnectTimeout() {
        return bindConnectTimeout;
    }

    public int maxAutoRetries() {
        return maxAutoRetries;
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

    private static long requireNonNegative(long n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " cannot be negative, got " + n);
        }
        return n;
    }

    /** Caps not set keep their defaults. */
    public static final class Builder {
        private Duration streamIdleTimeout = Duration.ofSeconds(60);
        private Duration bindConnectTimeout = Duration.ofSeconds(10);
        private int maxAutoRetries = 10;

        private Builder() {}

        public Builder streamIdleTimeout(Duration d) {
            this.streamIdleTimeout = d;
            return this;
        }

        public Builder bindConnectTimeout(Duration d) {
            this.bindConnectTimeout = d;
            return this;
        }

        public Builder maxAutoRetries(int n) {
            this.maxAutoRetries = n;
            return this;
        }

        public Limits build() {
            return new Limits(this);
        }
    }
}
