package io.fedflow.node.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedflow.node.core.FlowException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FATE's job/query filters, checked: every one given must match. A text column matches any of its values
 * (FATE's list = IN); a number or time column matches one value or a [low, high] range, either end null for
 * open (FATE's 2-item list on a continuous column), times as epoch ms or FATE's "yyyy-MM-dd HH:mm:ss" in
 * this node's zone. FATE ignores a value it cannot use; here it is refused naming the field. A status that
 * no job has (an unknown one included) matches nothing, as FATE compares it: an empty list, not a refusal.
 *
 * @param text        column (without f_) to the values it may take
 * @param isInitiator the values f_is_initiator may take; empty for any
 * @param ranges      column (without f_) to its inclusive range
 */
public record JobFilter(Map<String, List<String>> text, List<Boolean> isInitiator, Map<String, Range> ranges) {
    /** The text columns a filter may name. */
    public static final Set<String> TEXT = Set.of("job_id", "name", "description", "role", "party_id", "status",
            "tag", "initiator_role", "initiator_party_id");
    /** The number and time columns a filter may name; the *_time ones also take dates. */
    public static final Set<String> RANGED = Set.of("progress", "create_time", "update_time", "start_time",
            "end_time", "elapsed");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** An inclusive range; a null end is open. */
    public record Range(Long low, Long high) {}

    public JobFilter {
        text = Map.copyOf(text);
        isInitiator = List.copyOf(isInitiator);
        ranges = Map.copyOf(ranges);
    }

    /** Whether no filter is given (FATE then finds no job rather than every job). */
    public boolean isEmpty() {
        return text.isEmpty() && isInitiator.isEmpty() && ranges.isEmpty();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects and checks the filters as they come from a request; blank values are no filter. */
    public static final class Builder {
        private final Map<String, List<String>> text = new LinkedHashMap<>();
        private final List<Boolean> isInitiator = new ArrayList<>();
        private final Map<String, Range> ranges = new LinkedHashMap<>();

        private Builder() {}

        /** A text column matching any of {@code values}. */
        public Builder text(String column, List<String> values) {
            if (!TEXT.contains(column)) {
                throw new IllegalArgumentException("not a text column of job/query: " + column);
            }
            List<String> given = values.stream().filter(v -> v != null && !v.isBlank()).toList();
            if (given.isEmpty()) {
                return this;
            }
            text.put(column, given);
            return this;
        }

        public Builder text(String column, String value) {
            return text(column, value == null ? List.of() : List.of(value));
        }

        /** f_is_initiator: true/false, 1/0 (or their strings), or a list of them; null for none. */
        public Builder isInitiator(JsonNode v) {
            if (v == null || v.isNull() || v.isMissingNode()) {
                return this;
            }
            for (JsonNode one : v.isArray() ? v : List.of(v)) {
                isInitiator.add(bool(one));
            }
            return this;
        }

        /** A number or time column: one value or a [low, high] range; null for none. */
        public Builder range(String column, JsonNode v) {
            if (!RANGED.contains(column)) {
                throw new IllegalArgumentException("not a ranged column of job/query: " + column);
            }
            if (v == null || v.isNull() || v.isMissingNode()) {
                return this;
            }
            if (!v.isArray()) {
                long exact = number(column, v);
                ranges.put(column, new Range(exact, exact));
                return this;
            }
            if (v.size() != 2) {
                throw FlowException.argument("field " + column + " must be one value or a [low, high] range, got a "
                        + "list of " + v.size());
            }
            Long low = v.get(0).isNull() ? null : number(column, v.get(0));
            Long high = v.get(1).isNull() ? null : number(column, v.get(1));
            if (low != null && high != null && low > high) {
                throw FlowException.argument("field " + column + " must be a [low, high] range with low <= high, got ["
                        + low + ", " + high + "]");
            }
            if (low != null || high != null) {
                ranges.put(column, new Range(low, high));
            }
            return this;
        }

        public JobFilter build() {
            return new JobFilter(text, isInitiator, ranges);
        }

        private static boolean bool(JsonNode v) {
            if (v.isBoolean()) {
                return v.booleanValue();
            }
            String s = v.isNumber() && v.canConvertToLong() ? Long.toString(v.asLong()) : v.isTextual() ? v.asText()
                    .trim() : "";
            if (s.equals("1") || s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equals("0") || s.equalsIgnoreCase("false")) {
                return false;
            }
            throw FlowException.argument("field is_initiator must be true, false, 1 or 0, got " + abbreviate(
                    v.toString()));
        }

        private static long number(String column, JsonNode v) {
            if (v.isNumber()) {
                if (v.isIntegralNumber() || v.decimalValue().stripTrailingZeros().scale() <= 0) {
                    if (v.canConvertToLong()) {
                        return v.asLong();
                    }
                }
            } else if (v.isTextual()) {
                String s = v.asText().trim();
                if (s.matches("-?[0-9]{1,18}")) {
                    return Long.parseLong(s);
                }
                if (column.endsWith("_time")) {
                    try {
                        return LocalDateTime.parse(s, DATE).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                    } catch (DateTimeParseException e) {
                        throw FlowException.argument("field " + column + " must be epoch milliseconds or a date "
                                + "\"yyyy-MM-dd HH:mm:ss\", got \"" + abbreviate(s) + "\"");
                    }
                }
            }
            throw FlowException.argument("field " + column + " must be an integer"
                    + (column.endsWith("_time") ? " (epoch milliseconds) or a date \"yyyy-MM-dd HH:mm:ss\"" : "")
                    + ", got " + abbreviate(v.toString()));
        }

        private static String abbreviate(String s) {
            return s.length() > 64 ? s.substring(0, 64) + "..." : s;
        }
    }
}
