package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.wire.FileStreams;

/**
 * A FATE download endpoint answering a tar.gz attachment: {@code POST /v1/job/log/download} and
 * {@code GET /v1/tracking/component/output/data/download} (FATE's client sends a JSON body with the GET;
 * POST works too). 200 means the body is the file; any refusal comes with a non-200 status and FATE's
 * JSON envelope, which FATE's clients read whatever the status: 210 for "no data" (as FATE), 404 for an
 * unknown job or component, 400 for a bad request.
 */
public final class ArchiveHttpService implements HttpService {
    /** What to send: the attachment's name and how to write it; {@code cleanup} runs once it was sent. */
    public record Archive(String fileName, FileStreams.Body body, Runnable cleanup) {}

    /** Prepares the archive from the raw JSON body, or throws (retcode {@code NO_DATA} for FATE's HTTP 210). */
    @FunctionalInterface
    public interface Preparer {
        Archive prepare(byte[] jsonBody);
    }

    private final Preparer preparer;
    private final MediaType type;

    public ArchiveHttpService(Preparer preparer) {
        this(FileStreams.GZIP, preparer);
    }

    /** An endpoint answering another kind of file (a model export's zip). */
    public ArchiveHttpService(MediaType type, Preparer preparer) {
        this.type = type;
        this.preparer = preparer;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            FlowErrorHandler.answerAsStream(ctx);
            Archive archive = preparer.prepare(body.content().array());
            return FileStreams.http(ctx, type, archive.fileName(), archive.body(), archive.cleanup());
        }, ctx.blockingTaskExecutor()));
    }
}
