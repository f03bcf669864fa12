package io.fedflow.node.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Message;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.node.FlowException;
import io.fedflow.node.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import java.io.IOException;
import java.util.ArrayList;
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
    public static final ObjectMapper MAPPER = JsonMapper.builder(
                    JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build())
            .build();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
            .preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private FateJson() {}

    /** The envelope as FATE prints it. */
    public static byte[] envelopeBytes(FlowResponse response) {
        Map<String, Object> out = new TreeMap<>();
        out.put("retcode", response.getRetcode());
        out.put("retmsg", response.getRetmsg());
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
            return MAPPER.writeValueAsBytes(out);
        } catch (IOException e) {
            throw new IllegalStateException("cannot print the envelope", e);
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
        JsonNode tree;
        try {
            tree = json.length == 0 ? JsonNodeFactory.instance.objectNode() : MAPPER.readTree(json);
        } catch (IOException e) {
            throw new FlowException(RetCode.EXCEPTION_ERROR,
                    "request body is not valid JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage()));
        }
        merge(tree, builder);
    }

    public static void merge(JsonNode tree, Message.Builder builder) {
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            return;
        }
        if (!tree.isObject()) {
            throw new FlowException(RetCode.EXCEPTION_ERROR,
                    "request body must be a JSON object, got " + tree.getNodeType().name().toLowerCase());
        }
        ObjectNode coerced = coerce((ObjectNode) tree, builder);
        try {
            PARSER.merge(coerced.toString(), builder);
        } catch (InvalidProtocolBufferException e) {
            throw FlowException.argument("invalid request: " + e.getMessage());
        }
    }

    private static ObjectNode coerce(ObjectNode in, Message.Builder builder) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        var descriptor = builder.getDescriptorForType();
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
            final FieldDescriptor target = field;
            if (field.isRepeated() && !field.isMapField()) {
                ArrayNode arr = JsonNodeFactory.instance.arrayNode();
                if (value.isArray()) {
                    value.forEach(v -> arr.add(coerceScalar(target, v)));
                } else if (value.isTextual() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                    // FATE accepts "a,b" where a list is expected.
                    for (String part : value.asText().split(",")) {
                        if (!part.isBlank()) {
                            arr.add(coerceScalar(field, JsonNodeFactory.instance.textNode(part.trim())));
                        }
                    }
                } else {
                    arr.add(coerceScalar(field, value));
                }
                out.set(field.getName(), arr);
            } else {
                out.set(field.getName(), coerceScalar(field, value));
            }
        }
        return out;
    }

    private static JsonNode coerceScalar(FieldDescriptor field, JsonNode v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        switch (field.getJavaType()) {
            case STRING:
                if (v.isValueNode()) {
                    return f.textNode(v.isNumber() && v.isIntegralNumber() ? v.bigIntegerValue().toString()
                            : v.asText());
                }
                return f.textNode(v.toString()); // an object where a string is expected: keep its JSON
            case INT:
            case LONG:
                if (v.isBoolean()) {
                    return f.numberNode(v.booleanValue() ? 1 : 0);
                }
                if (v.isTextual()) {
                    String s = v.asText().trim();
                    if (s.equalsIgnoreCase("true")) {
                        return f.numberNode(1);
                    }
                    if (s.equalsIgnoreCase("false")) {
                        return f.numberNode(0);
                    }
                    try {
                        return f.numberNode(Long.parseLong(s));
                    } catch (NumberFormatException e) {
                        throw FlowException.argument(
                                "field " + field.getName() + " must be an integer, got \"" + s + "\"");
                    }
                }
                if (v.isNumber() && !v.isIntegralNumber()) {
                    if (v.doubleValue() != Math.rint(v.doubleValue())) {
                        throw FlowException.argument("field " + field.getName() + " must be an integer, got " + v);
                    }
                    return f.numberNode(v.longValue());
                }
                return v;
            case BOOLEAN:
                if (v.isNumber()) {
                    return f.booleanNode(v.asInt() != 0);
                }
                if (v.isTextual()) {
                    String s = v.asText().trim();
                    return f.booleanNode(s.equalsIgnoreCase("true") || s.equals("1"));
                }
                return v;
            case MESSAGE:
                if (field.getMessageType().getFullName().startsWith("google.protobuf.")) {
                    return v;
                }
                if (v.isObject()) {
                    var nested = com.google.protobuf.DynamicMessage.newBuilder(field.getMessageType());
                    return coerce((ObjectNode) v, nested);
                }
                return v;
            default:
                return v;
        }
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
