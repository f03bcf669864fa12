package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ContentDisposition;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.data.ChunkingOutputStream;
import io.fedflow.node.data.DownloadService;
import io.fedflow.node.store.generated.tables.records.TStorageTableMetaRecord;
import io.fedflow.proto.v1.DownloadRequest;
import io.fedflow.proto.v1.FlowResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/data/download}. As in FATE, a download job writes the table on the node (inside the
 * export directory) and answers the JSON envelope with {@code jobId}; when the caller accepts
 * {@code text/csv}, the rows are streamed back instead, and errors then come with a non-200 status.
 */
public final class DownloadHttpService implements HttpService {
    private static final int CHUNK = 1 << 16;

    private final DownloadService downloads;

    public DownloadHttpService(DownloadService downloads) {
        this.downloads = downloads;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        String accept = req.headers().get(HttpHeaderNames.ACCEPT, "");
        boolean csv = accept.contains("text/csv");
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            DownloadRequest.Builder b = DownloadRequest.newBuilder();
            try {
                FateJson.merge(body.content().array(), b);
                DownloadRequest request = b.build();
                if (csv) {
                    return stream(ctx, request);
                }
                StringBuilder jobId = new StringBuilder();
                var data = downloads.downloadToFile(request, jobId);
                return UploadHttpService.json(Responses.ok("success", data, jobId.toString()));
            } catch (RuntimeException e) {
                FlowResponse error = ErrorMapper.envelope(e);
                if (!csv) {
                    return UploadHttpService.json(error);
                }
                // A stream's caller reads 200 as "this body is the file": errors must not be 200.
                HttpStatus status = ErrorMapper.map(e).grpcCode() == io.grpc.Status.Code.NOT_FOUND
                        ? HttpStatus.NOT_FOUND : HttpStatus.BAD_REQUEST;
                return HttpResponse.of(status, MediaType.JSON_UTF_8, FateJson.envelopeBytes(error));
            }
        }, ctx.blockingTaskExecutor()));
    }

    private HttpResponse stream(ServiceRequestContext ctx, DownloadRequest request) {
        TStorageTableMetaRecord meta = downloads.prepareStream(request);
        HttpResponseWriter writer = HttpResponse.streaming();
        writer.write(ResponseHeaders.builder(HttpStatus.OK)
                .contentType(MediaType.CSV_UTF_8)
                .set(HttpHeaderNames.CONTENT_DISPOSITION, ContentDisposition.builder("attachment")
                        .filename(meta.getFNamespace() + "_" + meta.getFName() + ".csv").build().asHeaderValue())
                .build());
        ctx.blockingTaskExecutor().execute(() -> {
            try (OutputStream out = new WriterStream(writer)) {
                downloads.writeCsv(meta, DownloadService.delimiter(request, meta), out);
            } catch (Exception e) {
                writer.abort(e);
                return;
            }
            writer.close();
        });
        return writer;
    }

    /** Pushes chunks into the response, waiting for the client to consume each one (backpressure). */
    private static final class WriterStream extends ChunkingOutputStream {
        private final HttpResponseWriter writer;

        WriterStream(HttpResponseWriter writer) {
            super(CHUNK);
            this.writer = writer;
        }

        @Override
        protected void emit(byte[] chunk, int length) throws IOException {
            if (!writer.tryWrite(HttpData.copyOf(chunk, 0, length))) {
                throw new IOException("the client went away");
            }
            try {
                writer.whenConsumed().get(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("the client stopped reading", e);
            }
        }
    }
}
