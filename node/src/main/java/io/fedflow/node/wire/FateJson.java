package io.fedflow.node.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.node.core.FailureKind;
import io.fedflow.node.core.FlowException;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FATE's JSON, both ways.
 *
 * <p>Out: the envelope as Flask's {@code jsonify} prints it (sorted keys, compact, ASCII escapes), keys
 * whose value is unset dropped, {@code job_id} printed as the top-level {@code jobId}, integral numbers
 * printed without a fraction (protobuf's {@code Value} only knows doubles).
 *
 * <p>In: FATE clients send the same field with different JSON types (party ids as ints or strings, flags
 * as 0/1 or booleans) and keys the server must ignore, so request JSON is coerced to the message's field
 * types before protobuf parses it.
 */
public final class FateJson {
    /**
     * The deepest nesting a request's JSON may have. FATE's deepest documents (a runtime conf's
     * component parameters) nest under ten levels; Jackson's own bound (1000) would let a 1000-deep body
     * through to routes that ignore the fields it sits in, and protobuf's Struct stops at 100.
     */
    public static final int MAX_NESTING_DEPTH = 64;
    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII)
                            .streamReadConstraints(StreamReadConstraints.builder()
                                    .maxNestingDepth(MAX_NESTING_DEPTH).build())
                            .build())
            .build();
    private static final byte[] DATA_KEY = "{\"data\":".getBytes(StandardCharsets.US_ASCII);
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private FateJson() {}

    /** The envelope as FATE prints it. */
    public static byte[] envelopeBytes(FlowResponse response) {
        Map<String, Object> out = new TreeMap<>();
        out.put("retcode", response.getRetcode());
        out.put("retmsg", Retmsgs.shorten(response.getRetmsg()));
        if (response.hasData()) {
            out.put("data", toJava(response.getData()));
        }
        if (!response.getJobId().isEmpty()) {
            out.put("jobId", response.getJobId());
        }
        if (response.hasMeta()) {
            out.put("meta", toJava(Value.newBuilder().setStructValue(response.getMeta()).build()));
        }
        try {
            byte[] rest = MAPPER.writeValueAsBytes(out);
            if (response.getDataJson().isEmpty() || response.hasData()) {
                return rest;
            }
            // "data" sorts before every other key, and the rest always has retcode: {"data":<printed>,<rest>}
            ByteArrayOutputStream whole = new ByteArrayOutputStream(DATA_KEY.length + response.getDataJson().size()
                    + rest.length);
            whole.writeBytes(DATA_KEY);
            response.getDataJson().writeTo(whole);
            whole.write(',');
            whole.write(rest, 1, rest.length - 1);
            return whole.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot print the envelope", e);
        }
    }

    /**
     * {@code data} as the envelope prints it, without the trip through protobuf's Value: the same bytes as
     * {@code toJava(toValue(data))} printed (keys sorted at every level, numbers through a double and
     * integral ones without a fraction, non-ASCII escaped).
     */
    public static byte[] printData(JsonNode data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(bytes)) {
            print(data, g);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does no I/O
        }
        return bytes.toByteArray();
    }

    private static void print(JsonNode node, JsonGenerator g) throws IOException {
        if (node == null || node.isNull() || node.isMissingNode()) {
            g.writeNull();
        } else if (node.isBoolean()) {
            g.writeBoolean(node.booleanValue());
        } else if (node.isNumber()) {
            double d = node.doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.007199254740992E15) {
                g.writeNumber((long) d);
            } else {
                g.writeNumber(d);
            }
        } else if (node.isTextual()) {
            g.writeString(node.textValue());
        } else if (node instanceof POJONode pojo && pojo.getPojo() instanceof RawValue printed) {
            g.writeRawValue((String) printed.rawValue()); // printed already (PrintedJsonCache)
        } else if (node.isArray()) {
            g.writeStartArray();
            for (JsonNode item : node) {
                print(item, g);
            }
            g.writeEndArray();
        } else {
            // an object (anything else has no fields, as toValue makes it an empty Struct)
            String[] names = new String[node.size()];
            int n = 0;
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                names[n++] = it.next();
            }
            Arrays.sort(names, 0, n);
            g.writeStartObject();
            for (int i = 0; i < n; i++) {
                g.writeFieldName(names[i]);
                print(node.get(names[i]), g);
            }
            g.writeEndObject();
        }
    }

    /** Any other message (stream chunks and the like) in protobuf's canonical JSON with proto field names. */
    public static String print(Message message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
        }
    }

    /** Parses a FATE request body into {@code builder}, coercing JSON types to the field types. */
    public static void merge(byte[] json, Message.Builder builder) {
        merge(parseBody(json), builder);
    }

    /**
     * A request body, strictly: UTF-8, one JSON value and nothing after it (an empty body is the empty
     * object, as FATE's bodiless POSTs mean). Lenient decoding would turn bad bytes into U+FFFD and drop
     * trailing content, so a mangled request would run as if it were another one.
     */
    public static JsonNode parseBody(byte[] body) {
        return parse(body, "request body");
    }

    /** As {@link #parseBody}, for JSON that came another way; {@code what} names it in errors. */
    public static JsonNode parse(byte[] body, String what) {
        int badByte = firstMalformedUtf8(body);
        if (badByte >= 0) {
            throw FlowException.argument(what + " is not valid UTF-8 at byte " + badByte);
        }
        try (JsonParser parser = MAPPER.getFactory().createParser(body)) {
            JsonNode tree = MAPPER.readTree(parser);
            if (tree == null || tree.isMissingNode()) {
                return JsonNodeFactory.instance.objectNode();
            }
            int end = (int) parser.currentLocation().getByteOffset();
            while (end < body.length && isJsonWhitespace(body[end])) {
                end++;
            }
            if (end < body.length) {
                throw FlowException.argument(what + " has content after the JSON value, at byte " + end);
            }
            return tree;
        } catch (StreamConstraintsException e) {
            throw FlowException.argument(what + " nests deeper than " + MAX_NESTING_DEPTH + " levels");
        } catch (JsonProcessingException e) {
            // Retcode 100 as FATE, whose handlers fail on an unparsable body; still the caller's mistake (400).
            throw new FlowException(RetCode.EXCEPTION_ERROR, FailureKind.BAD_REQUEST,
                    what + " is not valid JSON"
                    + (e.getLocation() != null && e.getLocation().getByteOffset() >= 0
                       ? " at byte " + e.getLocation().getByteOffset() : "") + ": "
                    + e.getOriginalMessage().replaceAll(" \\(start marker at \\[Source: .*", ""), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does no I/O
        }
    }

    private static boolean isJsonWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The offset of the first byte that is not part of well-formed UTF-8, or -1. */
    private static int firstMalformedUtf8(byte[] bytes) {
        int i = 0;
        while (i < bytes.length && bytes[i] >= 0) {
            i++;
        }
        if (i == bytes.length) {
            return -1; // ASCII (what clients send almost always) is UTF-8: no decoder, no buffer
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(8192);
        while (true) {
            CoderResult r = decoder.decode(in, out, true);
            if (r.isError()) {
                return in.position();
            }
            if (r.isUnderflow()) {
                return -1;
            }
            out.clear();
        }
    }

    /** A body that must be a JSON object (or nothing: empty, or {@code null}, read as the empty object). */
    public static ObjectNode parseObjectBody(byte[] body) {
        JsonNode tree = parseBody(body);
        if (tree.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!tree.isObject()) {
            throw FlowException.argument("request body must be a JSON object, got " + typeName(tree));
        }
        return (ObjectNode) tree;
    }

    public static void merge(JsonNode tree, Message.Builder builder) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return;
        }
        if (!tree.isObject()) {
            throw FlowException.argument("request body must be a JSON object, got " + typeName(tree));
        }
        ObjectNode coerced = coerce((ObjectNode) tree, builder);
        if (setPlainFields(coerced, builder)) {
            return;
        }
        try {
            PARSER.merge(coerced.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            String why = String.valueOf(e.getMessage());
            throw FlowException.argument(why.contains("esting limit") || why.contains("ecursion limit")
                    ? "invalid request: a value is nested too deeply" : "invalid request: " + abbreviate(why));
        }
    }

    /**
     * The commonest requests (ids, roles, names, flags: what clients poll with) set field by field, as
     * protobuf's JSON parser would set them, rather than printed and parsed again by it. Only when every
     * field is a plain string, integer or boolean (or a list of them) of the JSON type the parser reads
     * as is, outside any oneof, and the builder is still empty; anything else is left to the parser.
     */
    private static boolean setPlainFields(ObjectNode coerced, Message.Builder builder) {
        if (!builder.getAllFields().isEmpty()) {
            return false;
        }
        Descriptors.Descriptor type = builder.getDescriptorForType();
        for (Iterator<Map.Entry<String, JsonNode>> it = coerced.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!isPlain(type.findFieldByName(e.getKey()), e.getValue())) {
                return false;
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = coerced.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldDescriptor field = type.findFieldByName(e.getKey());
            if (field.isRepeated()) {
                for (JsonNode item : e.getValue()) {
                    builder.addRepeatedField(field, plainValue(field, item));
                }
            } else {
                builder.setField(field, plainValue(field, e.getValue()));
            }
        }
        return true;
    }

    private static boolean isPlain(FieldDescriptor field, JsonNode value) {
        if (field == null || field.isMapField() || field.getRealContainingOneof() != null) {
            return false;
        }
        if (!field.isRepeated()) {
            return isPlainScalar(field, value);
        }
        if (!value.isArray()) {
            return false;
        }
        for (JsonNode item : value) {
            if (!isPlainScalar(field, item)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlainScalar(FieldDescriptor field, JsonNode v) {
        return switch (field.getType()) {
            case STRING -> v.isTextual();
            case BOOL -> v.isBoolean();
            // signed only: the parser range-checks the unsigned types itself
            case INT32, SINT32, SFIXED32 -> v.isIntegralNumber() && v.canConvertToInt();
            case INT64, SINT64, SFIXED64 -> v.isIntegralNumber() && v.canConvertToLong();
            default -> false;
        };
    }

    private static Object plainValue(FieldDescriptor field, JsonNode v) {
        return switch (field.getJavaType()) {
            case STRING -> v.textValue();
            case BOOLEAN -> v.booleanValue();
            case INT -> v.intValue();
            default -> v.longValue();
        };
    }

    private static ObjectNode coerce(ObjectNode in, Message.Builder builder) {
        return coerce(in, builder.getDescriptorForType(), "");
    }

    private static ObjectNode coerce(ObjectNode in, Descriptors.Descriptor descriptor,
                                     String prefix) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldDescriptor field = descriptor.findFieldByName(e.getKey());
            if (field == null) {
                for (FieldDescriptor f : descriptor.getFields()) {
                    if (f.getJsonName().equals(e.getKey())) {
                        field = f;
                        break;
                    }
                }
            }
            if (field == null) {
                continue; // client-only keys (local, conf_path, verbose...) are ignored, as FATE does
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue;
            }
            String name = prefix + field.getName();
            // PostgreSQL cannot store NUL in text or jsonb: refuse it here, naming the field, not in SQL.
            rejectNul(name, value);
            if (field.isMapField()) {
                if (!value.isObject()) {
                    throw wrongType(name, "a JSON object", value);
                }
                out.set(field.getName(), value);
            } else if (field.isRepeated()) {
                ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                if (value.isArray()) {
                    for (JsonNode v : value) {
                        arr.add(coerceScalar(field, name, v));
                    }
                } else if (value.isTextual() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                    // FATE accepts "a,b" where a list is expected.
                    for (String part : value.asText().split(",")) {
                        if (!part.isBlank()) {
                            arr.add(coerceScalar(field, name, JsonNodeFactory.instance.textNode(part.trim())));
                        }
                    }
                } else {
                    arr.add(coerceScalar(field, name, value));
                }
                out.set(field.getName(), arr);
            } else {
                out.set(field.getName(), coerceScalar(field, name, value));
            }
        }
        return out;
    }

    /**
     * What FATE's clients really send is accepted (ids as numbers or strings, flags as 0/1, booleans or
     * "True"); any other JSON type for a field is refused, naming the field, rather than read as something
     * else (an array as its JSON text, "yes" as false, 1e300 as Long.MAX_VALUE).
     */
    private static JsonNode coerceScalar(FieldDescriptor field, String name, JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (field.getJavaType()) {
            case STRING: {
                String s;
                if (v.isTextual()) {
                    s = v.textValue();
                } else if (v.isIntegralNumber()) {
                    s = v.bigIntegerValue().toString();
                } else if (v.isNumber()) {
                    s = v.asText();
                } else {
                    throw wrongType(name, "a string", v);
                }
                if (isName(field)) {
                    rejectControlCharacters(name, s);
                }
                return f.textNode(s);
            }
            case INT:
            case LONG: {
                long min = field.getJavaType() == FieldDescriptor.JavaType.INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
                long max = field.getJavaType() == FieldDescriptor.JavaType.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
                BigDecimal n;
                if (v.isBoolean()) {
                    return f.numberNode(v.booleanValue() ? 1 : 0);
                } else if (v.isTextual()) {
                    String s = v.asText().trim();
                    if (s.equalsIgnoreCase("true")) {
                        return f.numberNode(1);
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return f.numberNode(0);
                    }
                    try {
                        if (s.length() > 40) { // no integer is that long; spare parsing a huge one
                            throw new NumberFormatException();
                        }
                        n = new BigDecimal(s);
                    } catch (NumberFormatException e) {
                        throw FlowException.argument("field " + name + " must be an integer, got \""
                                + abbreviate(s) + "\"");
                    }
                } else if (v.isNumber()) {
                    n = v.decimalValue();
                } else {
                    throw wrongType(name, "an integer", v);
                }
                long exact;
                try {
                    exact = n.longValueExact();
                } catch (ArithmeticException e) {
                    throw FlowException.argument("field " + name + " must be an integer"
                            + (n.signum() != 0 && n.stripTrailingZeros().scale() <= 0 ? " between " + min + " and "
                               + max : "") + ", got " + abbreviate(n.toString()));
                }
                if (exact < min || exact > max) {
                    throw FlowException.argument("field " + name + " must be an integer between " + min + " and "
                            + max + ", got " + exact);
                }
                return f.numberNode(exact);
            }
            case BOOLEAN:
                if (v.isBoolean()) {
                    return v;
                }
                if (v.isNumber()) {
                    return f.booleanNode(v.asDouble() != 0);
                }
                if (v.isTextual()) {
                    String s = v.asText().trim();
                    if (s.equalsIgnoreCase("true") || s.equals("1")) {
                        return f.booleanNode(true);
                    }
                    if (s.equalsIgnoreCase("false") || s.equals("0") || s.isEmpty()) {
                        return f.booleanNode(false);
                    }
                    throw FlowException.argument("field " + name + " must be a boolean (true, false, 1 or 0), got \""
                            + abbreviate(s) + "\"");
                }
                throw wrongType(name, "a boolean", v);
            case MESSAGE: {
                String type = field.getMessageType().getFullName();
                if (type.equals("google.protobuf.Struct") && !v.isObject()) {
                    throw wrongType(name, "a JSON object", v);
                }
                if (type.equals("google.protobuf.ListValue") && !v.isArray()) {
                    throw wrongType(name, "a JSON array", v);
                }
                if (type.startsWith("google.protobuf.")) {
                    return v;
                }
                if (!v.isObject()) {
                    throw wrongType(name, "a JSON object", v);
                }
                return coerce((ObjectNode) v, field.getMessageType(), name + ".");
            }
            default:
                return v;
        }
    }

    /** Identifiers (names, ids, roles): no control character belongs in one, and none may reach a query. */
    public static boolean isName(FieldDescriptor field) {
        String n = field.getName();
        return n.equals("name") || n.equals("namespace") || n.equals("role") || n.equals("status")
               || n.endsWith("_name") || n.endsWith("_names") || n.endsWith("_id") || n.endsWith("_role")
               || n.endsWith("_namespace");
    }

    public static void rejectControlCharacters(String name, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw FlowException.argument("field " + name + " contains the control character U+"
                        + String.format("%04X", (int) c) + " at position " + i);
            }
        }
    }

    public static void rejectNul(String name, String s) {
        int at = s.indexOf('\0');
        if (at >= 0) {
            throw FlowException.argument("field " + name + " contains a NUL character at position " + at);
        }
    }

    private static void rejectNul(String name, JsonNode v) {
        if (v.isTextual()) {
            rejectNul(name, v.textValue());
        } else if (v.isContainerNode()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().indexOf('\0') >= 0) {
                    throw FlowException.argument("field " + name + " contains a key with a NUL character");
                }
                rejectNul(name, e.getValue());
            }
            if (v.isArray()) {
                for (JsonNode item : v) {
                    rejectNul(name, item);
                }
            }
        }
    }

    private static FlowException wrongType(String name, String expected, JsonNode got) {
        return FlowException.argument("field " + name + " must be " + expected + ", got " + typeName(got));
    }

    private static String typeName(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case BOOLEAN -> "a boolean";
            case NUMBER -> "a number";
            case STRING -> "a string";
            case BINARY -> "binary data";
            default -> "null";
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    /** A protobuf Value as plain Java (sorted maps, lists, longs for integral numbers). */
    public static Object toJava(Value value) {
        switch (value.getKindCase()) {
            case NULL_VALUE:
            case KIND_NOT_SET:
                return null;
            case BOOL_VALUE:
                return value.getBoolValue();
            case STRING_VALUE:
                return value.getStringValue();
            case NUMBER_VALUE: {
                double d = value.getNumberValue();
                if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.007199254740992E15) {
                    return (long) d;
                }
                return d;
            }
            case LIST_VALUE: {
                List<Object> list = new ArrayList<>();
                for (Value v : value.getListValue().getValuesList()) {
                    list.add(toJava(v));
                }
                return list;
            }
            case STRUCT_VALUE: {
                Map<String, Object> map = new TreeMap<>();
                value.getStructValue().getFieldsMap().forEach((k, v) -> map.put(k, toJava(v)));
                return map;
            }
            default:
                throw new IllegalStateException("unknown value kind " + value.getKindCase());
        }
    }

    /** A Jackson tree as a protobuf Value, for the envelope's {@code data}. */
    public static Value toValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (node.isBoolean()) {
            return Value.newBuilder().setBoolValue(node.booleanValue()).build();
        }
        if (node.isNumber()) {
            return Value.newBuilder().setNumberValue(node.doubleValue()).build();
        }
        if (node.isTextual()) {
            return Value.newBuilder().setStringValue(node.textValue()).build();
        }
        if (node.isArray()) {
            ListValue.Builder list = ListValue.newBuilder();
            node.forEach(n -> list.addValues(toValue(n)));
            return Value.newBuilder().setListValue(list).build();
        }
        Struct.Builder struct = Struct.newBuilder();
        node.fields().forEachRemaining(e -> struct.putFields(e.getKey(), toValue(e.getValue())));
        return Value.newBuilder().setStructValue(struct).build();
    }

    /**
     * A protobuf Struct as a Jackson tree, keys in the order they came (a DSL's component order matters),
     * integral numbers as integers (party ids, dsl_version: Struct only knows doubles).
     */
    public static ObjectNode toJson(Struct struct) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        struct.getFieldsMap().forEach((k, v) -> o.set(k, toJson(v)));
        return o;
    }

    public static JsonNode toJson(Value value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (value.getKindCase()) {
            case BOOL_VALUE:
                return f.booleanNode(value.getBoolValue());
            case STRING_VALUE:
                return f.textNode(value.getStringValue());
            case NUMBER_VALUE: {
                double d = value.getNumberValue();
                if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9.007199254740992E15) {
                    return f.numberNode((long) d);
                }
                return f.numberNode(d);
            }
            case LIST_VALUE: {
                ArrayNode a = f.arrayNode();
                value.getListValue().getValuesList().forEach(v -> a.add(toJson(v)));
                return a;
            }
            case STRUCT_VALUE:
                return toJson(value.getStructValue());
            default:
                return f.nullNode();
        }
    }
}
