package io.fedflow.node.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.QueryParams;
import com.linecorp.armeria.common.multipart.BodyPart;
import com.linecorp.armeria.common.multipart.Multipart;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.fedflow.node.core.FlowException;
import io.fedflow.node.core.Limits;
import io.fedflow.node.data.UploadService;
import io.fedflow.node.data.UploadSlots;
import io.fedflow.node.data.UploadSpool;
import io.fedflow.node.store.DatabaseFailures;
import io.fedflow.node.wire.FateJson;
import io.fedflow.proto.RetCode;
import io.fedflow.proto.v1.FlowResponse;
import io.fedflow.proto.v1.UploadConf;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code POST /v1/data/upload}, as FATE's clients send it: a multipart part {@code file} with the conf as
 * the raw, percent-encoded JSON query string; or a JSON body naming a file already on the node
 * ({@code use_local_data: 0}). The file part is streamed to disk, never held in memory; every other part,
 * and the JSON body, is read up to {@link Limits#maxRequestBody()}. A streamed file that stops arriving
 * is cut after {@link Limits#streamIdleTimeout()} and its load rolled back.
 */
public final class UploadHttpService implements HttpService {
    /** Chunks of a streamed file part requested ahead of the loader (each at most a few tens of KiB). */
    static final int PREFETCH_CHUNKS = 64;

    private final UploadService uploads;
    private final UploadSpool spool;
    private final Limits limits;

    public UploadHttpService(UploadService uploads, UploadSpool spool, Limits limits) {
        this.uploads = uploads;
        this.spool = spool;
        this.limits = limits;
    }

    @Override
    public HttpResponse serve(ServiceRequestContext ctx, HttpRequest req) {
        MediaType type = req.contentType();
        if (type != null && type.isMultipart()) {
            return HttpResponse.of(multipart(ctx, req));
        }
        return HttpResponse.of(req.aggregate().thenApplyAsync(body -> {
            UploadConf.Builder conf = UploadConf.newBuilder();
            FateJson.merge(body.content().array(), conf);
            if (!conf.hasUseLocalData() || conf.getUseLocalData() != 0) {
                throw FlowException.argument("send the file as a multipart part named file, or set "
                        + "use_local_data to 0 to load a file from the node's import directory");
            }
            return answer(uploads.uploadLocal(conf.build()));
        }, ctx.blockingTaskExecutor()));
    }

    private CompletableFuture<HttpResponse> multipart(ServiceRequestContext ctx, HttpRequest req) {
        // Armeria's normalised query turns %20 into '+', which would merge with real '+' characters.
        String raw = ctx.routingContext().requestTarget().rawPath();
        int q = raw == null ? -1 : raw.indexOf('?');
        ObjectNode confJson = confFromQuery(q < 0 ? ctx.query() : raw.substring(q + 1));
        // FATE's clients send the conf in the query string: then it is checked before the file arrives and
        // the file part is loaded as it streams in, without a copy on disk.
        UploadService.ValidConf early = confJson.has("namespace") || confJson.has("table_name")
                ? validate(confJson) : null;
        // A streamed file holds a database connection while it arrives: its slot is taken before any byte
        // is read, so that an upload over the cap is refused at once.
        UploadSlot slot = early != null ? new UploadSlot(uploads.admit()) : null;
        AtomicReference<Path> file = new AtomicReference<>();
        AtomicReference<UploadService.Outcome> streamed = new AtomicReference<>();
        CompletableFuture<HttpResponse> result = Multipart.from(req).bodyParts().mapAsync(part -> {
            if ("file".equals(part.name()) && part.filename() != null) {
                if (file.get() != null || streamed.get() != null) {
                    return discard(part).thenApply(unused -> (Object) Boolean.TRUE);
                }
                if (early != null) {
                    return CompletableFuture.supplyAsync(() -> {
                        if (!slot.startLoading()) {
                            throw new IllegalStateException("the upload ended before its file part was read");
                        }
                        // The loader waits for the database at times: the stream measures the client's
                        // idleness itself meanwhile, only while it waits for bytes.
                        IdleWatch watch = IdleWatch.of(ctx);
                        watch.suspend();
                        try (InputStream in = new PrefetchingInputStream(part.content(), PREFETCH_CHUNKS,
                                limits.streamIdleTimeout())) {
                            try {
                                // The loader closes what it reads; the part must stay open to be drained.
                                streamed.set(uploads.upload(early, new FilterInputStream(in) {
                                    @Override
                                    public void close() {}
                                }, slot.slot()));
                            } finally {
                                slot.release();
                                in.transferTo(OutputStream.nullOutputStream()); // let the client finish sending
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } finally {
                            watch.resume();
                        }
                        return (Object) Boolean.TRUE;
                    }, ctx.blockingTaskExecutor());
                }
                Path spooled;
                try {
                    spooled = spool.newFile();
                } catch (IOException e) {
                    return CompletableFuture.failedFuture(e);
                }
                file.set(spooled);
                return part.writeTo(spooled, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                        .thenApply(unused -> (Object) Boolean.TRUE);
            }
            // Conf fields may also come as form fields (FATE reads request.form too).
            return BoundedBody.read(part.content(), limits.maxRequestBody()).thenApply(bytes -> {
                if (part.name() != null && !confJson.has(part.name())) {
                    confJson.put(part.name(), new String(bytes, StandardCharsets.UTF_8));
                }
                return (Object) Boolean.TRUE;
            });
        }).collect().exceptionally(t -> {
            delete(file.get());
            throw receiveFailure(t);
        }).thenApplyAsync(unused -> {
            try {
                if (streamed.get() != null) {
                    return answer(streamed.get());
                }
                if (file.get() == null) {
                    throw FlowException.argument("no multipart part named file with a filename was sent");
                }
                return answer(uploads.upload(validate(confJson), file.get()));
            } finally {
                delete(file.get());
            }
        }, ctx.blockingTaskExecutor());
        if (slot != null) {
            result.whenComplete((r, t) -> slot.releaseUnlessLoading());
        }
        return result;
    }

    /**
     * Why the multipart body could not be received: a cap's refusal stays as it is (the error handler
     * answers it 413 or 408), anything else is a data error of the upload.
     */
    private RuntimeException receiveFailure(Throwable t) {
        if (LimitRefusals.of(t, limits, true) != null) {
            return t instanceof CompletionException ce ? ce : new CompletionException(t);
        }
        if (DatabaseFailures.isDatabase(t)) {
            return DatabaseFailures.of(RetCode.DATA_ERROR, "cannot receive the upload", t);
        }
        return new FlowException(RetCode.DATA_ERROR, "cannot receive the upload: " + rootMessage(t));
    }

    private UploadService.ValidConf validate(ObjectNode confJson) {
        UploadConf.Builder conf = UploadConf.newBuilder();
        FateJson.merge(confJson, conf);
        return uploads.validate(conf.build());
    }

    /**
     * FATE's client sends the conf as ONE percent-encoded JSON object in the query string; `+` and `&` are
     * not escaped, so the query is percent-decoded as a whole, without form semantics. A plain
     * key=value query (curl, scripts) is read as such.
     */
    static ObjectNode confFromQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return JsonNodeFactory.instance.objectNode();
        }
        byte[] decoded = percentDecode(rawQuery);
        if (startsWithBrace(decoded)) {
            JsonNode tree = FateJson.parse(decoded, "the upload conf in the query string");
            if (!tree.isObject()) {
                throw FlowException.argument("the upload conf in the query string must be a JSON object");
            }
            return (ObjectNode) tree;
        }
        ObjectNode conf = JsonNodeFactory.instance.objectNode();
        QueryParams.fromQueryString(rawQuery).forEach((k, v) -> conf.put(k, v));
        return conf;
    }

    /**
     * Percent-decoding to bytes, '+' kept: the bytes are then read as strict UTF-8 JSON (decoding to a
     * String first would turn bad bytes into U+FFFD).
     */
    private static byte[] percentDecode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw FlowException.argument("the query string is not valid percent-encoding at character " + i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }

    private static boolean startsWithBrace(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\t' && x != '\n' && x != '\r') {
                return x == '{';
            }
        }
        return false;
    }

    private static HttpResponse answer(UploadService.Outcome o) {
        FlowResponse.Builder r = FlowResponse.newBuilder().setJobId(o.jobId()).setData(FateJson.toValue(o.data()));
        if (o.failure() != null) {
            r.setRetcode(o.failure().retCode().code()).setRetmsg(o.failure().getMessage());
        } else {
            r.setRetcode(0).setRetmsg("success");
        }
        return json(r.build());
    }

    static HttpResponse json(FlowResponse r) {
        return HttpResponse.of(HttpStatus.OK, MediaType.JSON_UTF_8,
                FateJson.envelopeBytes(r));
    }

    /** A second file part is not ours to keep; read past it (FATE's clients never send one). */
    private static CompletableFuture<Void> discard(BodyPart part) {
        return BoundedBody.drain(part.content());
    }

    /**
     * The slot of a streamed upload, freed by whoever finishes last: the load once it has ended, or the
     * request when it ended (refused, cut, failed) before the load began.
     */
    private static final class UploadSlot {
        private static final int WAITING = 0;
        private static final int LOADING = 1;
        private static final int RELEASED = 2;
        private final UploadSlots.Slot slot;
        private final AtomicInteger state = new AtomicInteger();

        UploadSlot(UploadSlots.Slot slot) {
            this.slot = slot;
        }

        UploadSlots.Slot slot() {
            return slot;
        }

        boolean startLoading() {
            return state.compareAndSet(WAITING, LOADING);
        }

        void release() {
            state.set(RELEASED);
            slot.close();
        }

        void releaseUnlessLoading() {
            if (state.compareAndSet(WAITING, RELEASED)) {
                slot.close();
            }
        }
    }

    private static void delete(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // the spool is emptied at the next start
            }
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null) {
            c = c.getCause();
        }
        return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
    }
}
