package io.fedflow.node.federation;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import dev.failsafe.RetryPolicyBuilder;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries of site calls, run by Failsafe: at most the policy's attempts, exponential backoff with full jitter
 * capped at its maximum, and only the failures {@code retryable} accepts; any other failure ends the call at
 * once, and when the attempts run out the last failure is thrown. Each attempt is a new gRPC call, so {@link
 * SiteSigningInterceptor} signs it anew (fresh nonce and timestamp): a retry below the interceptor (grpc-java's
 * retry policy, Armeria's retrying client) would replay the first attempt's signed headers, which the peer refuses
 * as a replay.
 */
final class SiteRetry {
    private static final Logger logger = LoggerFactory.getLogger(SiteRetry.class);

    private SiteRetry() {}

    /** An executor for one call: {@code what} names it in the debug log of each failed attempt. */
    static <T> FailsafeExecutor<T> of(PartyClient.RetryPolicy policy, Predicate<Throwable> retryable, String what) {
        RetryPolicy<T> retries = SiteRetry.<T>builder(policy, retryable)
                .onFailedAttempt(e -> logger.debug("{} failed (attempt {}): {}", what, e.getAttemptCount(),
                        e.getLastException().toString()))
                .build();
        return Failsafe.with(retries);
    }

    /**
     * An executor for every call under {@code policy}, made once rather than per call (a policy and its executor
     * are several objects and lambdas, on every site call's path); the caller logs its own failed attempts.
     */
    static FailsafeExecutor<Object> shared(PartyClient.RetryPolicy policy, Predicate<Throwable> retryable) {
        return Failsafe.with(SiteRetry.builder(policy, retryable).build());
    }

    private static <T> RetryPolicyBuilder<T> builder(PartyClient.RetryPolicy policy, Predicate<Throwable> retryable) {
        return RetryPolicy.<T>builder()
                .handleIf(retryable::test)
                .withMaxAttempts(policy.attempts())
                // Failsafe's own jitter adds as much as it takes off, past the cap; the policy's stays under it.
                .withDelayFn(ctx -> policy.backoff(Math.max(0, ctx.getAttemptCount() - 1)));
    }
}
