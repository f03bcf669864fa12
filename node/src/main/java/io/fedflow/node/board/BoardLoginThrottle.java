package io.fedflow.node.board;

import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.proto.RetCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Caps failed board logins, so that a secret cannot be guessed at the speed of the network: after
 * {@link Limits#boardLoginFailuresPerKey()} failures for one app key, or
 * {@link Limits#boardLoginFailuresPerAddress()} from one client address, within
 * {@link Limits#boardLoginWindow()} of the first of them, every login for that key or from that address is
 * refused, right secret or not, until the window has passed. A login that succeeds clears its key's count
 * (only the key's owner can do that) but not its address's, so one valid key does not reset the count of
 * someone trying others from the same place.
 *
 * <p>Held in memory (a restart forgets it). A window starts at its first failure and is never extended, so
 * the entries sit in the order they expire and the ended ones are dropped from the head: what is kept is
 * bounded by the failures a window lets through.
 */
public final class BoardLoginThrottle {
    private record Window(Instant start, int failures) {}

    // insertion order is expiry order: a window is put once, at its first failure, and replaced in place
    private final Map<String, Window> windows = new LinkedHashMap<>();
    private final int perKey;
    private final int perAddress;
    private final Duration window;
    private final Clock clock;

    public BoardLoginThrottle(Limits limits, Clock clock) {
        this.perKey = limits.boardLoginFailuresPerKey();
        this.perAddress = limits.boardLoginFailuresPerAddress();
        this.window = limits.boardLoginWindow();
        this.clock = clock;
    }

    /** Refuses the login when its key or its address has used up its failures in the current window. */
    synchronized void admit(String appKey, String address) {
        Instant now = clock.instant();
        dropEnded(now);
        refuseIfSpent(keyOf(appKey), perKey, "app key " + appKey, Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG, now);
        refuseIfSpent(addressOf(address), perAddress, "client address " + address,
                Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG, now);
    }

    /** Counts a refused secret against its key and its address. */
    synchronized void failed(String appKey, String address) {
        Instant now = clock.instant();
        count(keyOf(appKey), now);
        count(addressOf(address), now);
    }

    /** A login with the right secret: its key starts afresh. */
    synchronized void succeeded(String appKey) {
        windows.remove(keyOf(appKey));
    }

    private void refuseIfSpent(String key, int cap, String who, String flag, Instant now) {
        Window w = windows.get(key);
        if (w != null && w.failures() >= cap) {
            Instant reopens = w.start().plus(window);
            throw new FlowException(RetCode.OPERATING_ERROR, FailureKind.REFUSED,
                    "too many failed board logins for " + who + ": " + w.failures() + " within "
                            + window.toMinutes() + " minutes, the cap (" + flag + ", "
                            + Limits.BOARD_LOGIN_WINDOW_FLAG + "); logins are refused until " + reopens
                            + " (in " + Duration.between(now, reopens).toSeconds() + " s)", null);
        }
    }

    private void count(String key, Instant now) {
        Window w = windows.get(key);
        if (w != null && !now.isBefore(w.start().plus(window))) {
            // ended while this login was checked: a new window goes to the tail, where it expires in order
            windows.remove(key);
            w = null;
        }
        windows.put(key, w == null ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }

    private void dropEnded(Instant now) {
        Iterator<Window> head = windows.values().iterator();
        while (head.hasNext() && !now.isBefore(head.next().start().plus(window))) {
            head.remove();
        }
    }

    private static String keyOf(String appKey) {
        return "key:" + appKey;
    }

    private static String addressOf(String address) {
        return "address:" + address;
    }
}
