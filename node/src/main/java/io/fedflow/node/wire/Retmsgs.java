package io.fedflow.node.wire;

import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.Limits;
import io.netty.util.AttributeKey;

/**
 * Keeps a retmsg to {@code --max-retmsg-length}. Messages quote the request's values (an id, a name, a
 * path), so without a bound a 1 MB {@code job_id} came back whole in "no job …". A longer retmsg keeps its
 * head (what failed, the field) and its tail (a log id), and says how much was left out.
 *
 * <p>The client port's cap travels with each call (set by {@link #decorator}); where no call is current
 * the default cap applies.
 */
public final class Retmsgs {
    private static final AttributeKey<Integer> CAP = AttributeKey.valueOf(Retmsgs.class, "CAP");
    private static final int DEFAULT_CAP = Limits.defaults().maxRetmsgLength();

    private Retmsgs() {}

    /** Sets this server's cap on every call it serves. */
    public static DecoratingHttpServiceFunction decorator(int cap) {
        return (delegate, ctx, req) -> {
            ctx.setAttr(CAP, cap);
            return delegate.serve(ctx, req);
        };
    }

    /** {@code retmsg} within the cap of the current call. */
    public static String shorten(String retmsg) {
        ServiceRequestContext ctx = ServiceRequestContext.currentOrNull();
        Integer cap = ctx == null ? null : ctx.attr(CAP);
        return shorten(retmsg, cap != null ? cap : DEFAULT_CAP);
    }

    /** {@code retmsg} in at most {@code cap} characters: three quarters head, one quarter tail. */
    public static String shorten(String retmsg, int cap) {
        if (retmsg == null || retmsg.length() <= cap) {
            return retmsg;
        }
        int budget = cap - marker(retmsg.length()).length(); // the marker never gets longer than this
        int head = budget * 3 / 4;
        int tail = budget - head;
        if (Character.isHighSurrogate(retmsg.charAt(head - 1))) {
            head--; // never split a character in two
        }
        if (Character.isLowSurrogate(retmsg.charAt(retmsg.length() - tail))) {
            tail--;
        }
        return retmsg.substring(0, head) + marker(retmsg.length() - head - tail)
               + retmsg.substring(retmsg.length() - tail);
    }

    private static String marker(int leftOut) {
        return " ...[" + leftOut + " characters left out]... ";
    }
}
