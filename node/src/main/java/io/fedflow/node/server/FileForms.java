package io.fedflow.node.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * FATE's "file form" of a few JSON calls: with a {@code filename} in the body, a success answers HTTP 200 with
 * the answer's {@code data} as a JSON file (indented as FATE writes it) and {@code Content-Disposition:
 * attachment; filename=<name>}, which FATE's CLI saves under {@code -o}; a failure answers its JSON envelope
 * with a non-200 status, so that the client never saves an error as the file. No file is written here: the
 * name only names the attachment.
 */
final class FileForms {
    /** The calls FATE answers as a file when the body names one. */
    static final Set<String> PATHS = Set.of("/v1/tracking/component/summary/download", "/v1/job/dsl/generate",
            "/v1/model/get/predict/dsl", "/v1/model/get/predict/conf");

    private static final int NO_DATA_STATUS = RetCode.NO_DATA.code();
    /** Python's {@code json.dumps(data, indent=4)}, which FATE writes such files with. */
    private static final DefaultPrettyPrinter PYTHON_INDENT = new DefaultPrettyPrinter()
            .withObjectIndenter(new DefaultIndenter("    ", "\n"))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"))
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));

    private FileForms() {}

    /** The file name the body asks for, or null when it asks for JSON; refuses a name no header can carry. */
    static String requested(String path, JsonNode body) {
        if (!PATHS.contains(path)) {
            return null;
        }
        JsonNode name = body.get("filename");
        if (name == null || name.isNull() || name.asText().isEmpty()) {
            return null;
        }
        String fileName = name.asText();
        if (!fileName.chars().allMatch(c -> c >= 0x20 && c != 0x7f)) {
            throw FlowException.argument("filename must not contain control characters");
        }
        return fileName;
    }

    /** The JSON answer of the call turned into the file, or into a non-200 envelope on failure. */
    static HttpResponse toFile(AggregatedHttpResponse answer, String fileName) {
        JsonNode envelope;
        try {
            envelope = FateJson.MAPPER.readTree(answer.contentUtf8());
        } catch (JsonProcessingException e) {
            return answer.toHttpResponse();
        }
        int retcode = envelope.path("retcode").asInt(-1);
        if (retcode != 0) {
            HttpStatus status = answer.status().code() != 200 ? answer.status()
                    : retcode == NO_DATA_STATUS ? HttpStatus.valueOf(NO_DATA_STATUS) : HttpStatus.BAD_REQUEST;
            return HttpResponse.of(ResponseHeaders.builder(status).contentType(MediaType.JSON_UTF_8).build(),
                    answer.content());
        }
        byte[] file;
        try {
            file = FateJson.MAPPER.writer(PYTHON_INDENT).writeValueAsString(envelope.path("data"))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return HttpResponse.of(ResponseHeaders.builder(HttpStatus.OK).contentType(MediaType.JSON_UTF_8)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment; filename=" + fileName).build(),
                HttpData.wrap(file));
    }
}
