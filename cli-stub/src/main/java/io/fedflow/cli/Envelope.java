package io.fedflow.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.TreeMap;

/**
 * FATE's response envelope as the {@code flow} CLI prints it: {@code json.dumps(response, indent=4,
 * ensure_ascii=False)} of the server's answer, whose keys the server sorted; {@code job_id} shows as the
 * top-level {@code jobId}; numbers that are integral print without a fraction (protobuf's {@code Value}
 * only holds doubles, FATE's ints would otherwise print as {@code 569.0}).
 */
final class Envelope {
    /** A failure detected on the client (bad conf, missing file) carrying the retcode to print. */
    static final class Failure extends RuntimeException {
        private final int retcode;

        Failure(int retcode, String message) {
            super(message);
            this.retcode = retcode;
        }

        int retcode() {
            return retcode;
        }
    }

    private Envelope() {}

    static FlowResponse failure(int retcode, String retmsg) {
        return FlowResponse.newBuilder().setRetcode(retcode).setRetmsg(retmsg).build();
    }

    static FlowResponse success(String retmsg, Struct data) {
        return FlowResponse.newBuilder().setRetmsg(retmsg).setData(Value.newBuilder().setStructValue(data)).build();
    }

    /** A failed call as FATE would have answered it: the node's retcode if it sent one. */
    static FlowResponse fromStatus(StatusRuntimeException e, String server) {
        Status status = e.getStatus();
        String rc = e.getTrailers() == null ? null : e.getTrailers().get(RetCode.TRAILER);
        if (rc != null) {
            try {
                return failure(Integer.parseInt(rc.trim()), describe(status));
            } catch (NumberFormatException ignored) {
                // not the node's trailer after all: fall through to the status code
            }
        }
        if (status.getCode() == Status.Code.UNAVAILABLE) {
            // No answer from a node at all (refused, unresolvable, reset): say where we tried.
            Throwable root = status.getCause();
            while (root != null && root.getCause() != null) {
                root = root.getCause();
            }
            String why = root != null && root.getMessage() != null ? root.getMessage() : describe(status);
            // Netty's native transport prefixes the OS error ("finishConnect(..) failed with error(-111): ").
            why = why.replaceFirst("^finishConnect\\(\\.\\.\\) failed[^:]*: ", "");
            return failure(RetCode.CONNECTION_ERROR.code(), "cannot connect to the Fedflow server at " + server
                    + ": " + why
                    + " (is the node running? pass --server HOST:PORT)");
        }
        return failure(RetCode.forStatus(status.getCode()), describe(status));
    }

    private static String describe(Status status) {
        return status.getDescription() != null ? status.getDescription() : status.getCode().name();
    }

    /** The envelope as pretty JSON with sorted keys, unset keys dropped. */
    static String pretty(FlowResponse response) {
        return pretty(response, Map.of());
    }

    /** With extra top-level keys (FATE's CLI adds {@code directory} to download answers). */
    static String pretty(FlowResponse response, Map<String, Value> extra) {
        Map<String, Value> out = new TreeMap<>(extra);
        out.put("retcode", number(response.getRetcode()));
        out.put("retmsg", Value.newBuilder().setStringValue(response.getRetmsg()).build());
        if (response.hasData()) {
            out.put("data", response.getData());
        }
        if (!response.getJobId().isEmpty()) {
            out.put("jobId", Value.newBuilder().setStringValue(response.getJobId()).build());
        }
        if (response.hasMeta()) {
            out.put("meta", Value.newBuilder().setStructValue(response.getMeta()).build());
        }
        StringBuilder sb = new StringBuilder();
        writeObject(sb, out, 0);
        return sb.toString();
    }

    /** Any value as pretty JSON (sorted keys, indent 4, integral numbers without a fraction). */
    static String pretty(Value value) {
        StringBuilder sb = new StringBuilder();
        write(sb, value, 0);
        return sb.toString();
    }

    static Value number(double d) {
        return Value.newBuilder().setNumberValue(d).build();
    }

    static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    private static void write(StringBuilder sb, Value v, int depth) {
        switch (v.getKindCase()) {
            case NULL_VALUE, KIND_NOT_SET -> sb.append("null");
            case BOOL_VALUE -> sb.append(v.getBoolValue());
            case NUMBER_VALUE -> writeNumber(sb, v.getNumberValue());
            case STRING_VALUE -> writeString(sb, v.getStringValue());
            case LIST_VALUE -> writeList(sb, v.getListValue(), depth);
            case STRUCT_VALUE -> writeObject(sb, new TreeMap<>(v.getStructValue().getFieldsMap()), depth);
        }
    }

    private static void writeObject(StringBuilder sb, Map<String, Value> fields, int depth) {
        if (fields.isEmpty()) {
            sb.append("{}");
            return;
        }
        sb.append('{');
        boolean first = true;
        for (Map.Entry<String, Value> e : fields.entrySet()) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            indent(sb, depth + 1);
            writeString(sb, e.getKey());
            sb.append(": ");
            write(sb, e.getValue(), depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append('}');
    }

    private static void writeList(StringBuilder sb, ListValue list, int depth) {
        if (list.getValuesCount() == 0) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        for (int i = 0; i < list.getValuesCount(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            indent(sb, depth + 1);
            write(sb, list.getValues(i), depth + 1);
        }
        sb.append('\n');
        indent(sb, depth);
        sb.append(']');
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("    ".repeat(depth)); // FATE's CLI prints with indent=4
    }

    private static void writeNumber(StringBuilder sb, double d) {
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.007199254740992E15) {
            sb.append((long) d);
        } else if (Double.isNaN(d) || Double.isInfinite(d)) {
            sb.append(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity"); // as Python's json prints them
        } else {
            sb.append(d);
        }
    }

    /** JSON string escaping; non-ASCII stays as is (ensure_ascii=False). */
    private static void writeString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
