package io.fedflow.node.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored JSON documents (jsonb columns: a job's DSL and confs) as {@link FateJson#printData} prints them,
 * keyed by their stored text. What clients poll (job/query) answers the same documents again and again;
 * without this, each answer parsed each one and printed it again (keys re-sorted: PostgreSQL keeps a
 * jsonb's keys by length, FATE prints them in order). The node given back holds the print, which
 * {@link FateJson#printData} writes as it is; only printing reads it.
 *
 * <p>Holds at most {@code maxChars} characters of stored text and print (a document over a quarter of
 * that is printed each time, not kept); when the next one would not fit, it starts over empty. 0: keeps
 * nothing.
 */
public final class PrintedJsonCache {
    private final long maxChars;
    private final ConcurrentHashMap<String, RawValue> printed = new ConcurrentHashMap<>();
    private long chars;

    public PrintedJsonCache(long maxChars) {
        this.maxChars = maxChars;
    }

    /** {@code stored} (a stored document's text), to be printed only, as its print. */
    public JsonNode printable(String stored) {
        RawValue p = printed.get(stored);
        if (p == null) {
            p = new RawValue(new String(FateJson.printData(parse(stored)), StandardCharsets.US_ASCII));
            keep(stored, p);
        }
        return JsonNodeFactory.instance.rawValueNode(p);
    }

    private static JsonNode parse(String stored) {
        try {
            return FateJson.MAPPER.readTree(stored);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a stored document is JSON: malformed text is a bug
        }
    }

    private void keep(String stored, RawValue p) {
        long n = stored.length() + (long) ((String) p.rawValue()).length();
        if (n > maxChars / 4) {
            return;
        }
        synchronized (this) {
            if (chars + n > maxChars) {
                printed.clear();
                chars = 0;
            }
            if (printed.putIfAbsent(stored, p) == null) {
                chars += n;
            }
        }
    }

    /** Characters held now (stored text and print). */
    public synchronized long chars() {
        return chars;
    }

    /** Documents held now. */
    public int size() {
        return printed.size();
    }
}
