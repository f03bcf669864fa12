package io.fedflow.cli;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.fedflow.proto.RetCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A FATE conf file ({@code -c upload.json}) read into a request message.
 *
 * <p>FATE's confs are loose: {@code "head": 1} and {@code "head": "1"} both occur, flags come as 0/1 or
 * booleans, and confs carry keys the request does not have ({@code work_mode}, {@code backend}...). So the
 * JSON is read as a {@link Struct} first, each known key's value is coerced to its field's type, and only
 * then does protobuf's parser (ignoring unknown keys) build the message.
 */
final class ConfFile {
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ConfFile() {}

    /** The conf as a plain JSON object, for the keys the CLI itself reads. */
    static Struct read(Path conf) {
        String text;
        try {
            text = Files.readString(conf, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "conf file " + conf + " does not exist");
        } catch (IOException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "cannot read conf file " + conf + ": " + e);
        }
        Struct.Builder struct = Struct.newBuilder();
        try {
            JsonFormat.parser().merge(text, struct);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(),
                    "conf file " + conf + " is not a JSON object: " + e.getMessage());
        }
        return struct.build();
    }

    /** Merges the conf's keys into {@code builder}, coercing JSON types to the field types. */
    static <B extends Message.Builder> B into(Struct conf, B builder, Path source) {
        Descriptor type = builder.getDescriptorForType();
        Struct.Builder coerced = Struct.newBuilder();
        for (Map.Entry<String, Value> e : conf.getFieldsMap().entrySet()) {
            FieldDescriptor field = field(type, e.getKey());
            if (field == null || e.getValue().hasNullValue()) {
                continue; // client-only or unknown keys, as FATE-Flow ignores them
            }
            coerced.putFields(field.getName(), coerce(field, e.getValue()));
        }
        try {
            PARSER.merge(JsonFormat.printer().print(coerced), builder);
        } catch (InvalidProtocolBufferException e) {
            throw new Envelope.Failure(RetCode.ARGUMENT_ERROR.code(), "conf file " + source + ": " + e.getMessage());
        }
        return builder;
    }

    private static FieldDescriptor field(Descriptor type, String key) {
        FieldDescriptor f = type.findFieldByName(key);
        if (f != null) {
            return f;
        }
        return type.getFields().stream().filter(x -> x.getJsonName().equals(key)).findFirst().orElse(null);
    }

    private static Value coerce(FieldDescriptor field, Value v) {
        return switch (field.getJavaType()) {
            // protobuf's JSON takes ints as strings too; "1" also avoids printing a double as 1.0.
            case INT, LONG -> switch (v.getKindCase()) {
                case NUMBER_VALUE -> v.getNumberValue() == Math.rint(v.getNumberValue())
                        ? Envelope.string(Long.toString((long) v.getNumberValue())) : v;
                case BOOL_VALUE -> Envelope.string(v.getBoolValue() ? "1" : "0");
                case STRING_VALUE -> Envelope.string(switch (v.getStringValue().trim().toLowerCase()) {
                    case "true" -> "1";
                    case "false" -> "0";
                    default -> v.getStringValue().trim();
                });
                default -> v;
            };
            case BOOLEAN -> switch (v.getKindCase()) {
                case NUMBER_VALUE -> Value.newBuilder().setBoolValue(v.getNumberValue() != 0).build();
                case STRING_VALUE -> Value.newBuilder().setBoolValue(
                        v.getStringValue().trim().equalsIgnoreCase("true") || v.getStringValue().trim().equals("1"))
                        .build();
                default -> v;
            };
            case STRING -> switch (v.getKindCase()) {
                // party ids and namespaces are sometimes written as numbers
                case NUMBER_VALUE -> Envelope.string(v.getNumberValue() == Math.rint(v.getNumberValue())
                        ? Long.toString((long) v.getNumberValue()) : Double.toString(v.getNumberValue()));
                case BOOL_VALUE -> Envelope.string(Boolean.toString(v.getBoolValue()));
                default -> v;
            };
            default -> v;
        };
    }
}
