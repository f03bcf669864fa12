package io.fedflow.node.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The node's configurable caps: every bound a hostile or careless caller could otherwise push into memory,
 * connections or time. Each cap has a default, a {@code bin/fedflow-node} flag and a line in the README's
 * flag table, and a request over it is refused with a clear error rather than failing by accident.
 *
 * <p>Immutable; built with {@link #builder()} or changed one cap at a time with {@link #toBuilder()}.
 */
public final class Limits {
    /** The flags that set the caps, named in refusals so that an operator knows what to raise. */
    public static final String STREAM_IDLE_TIMEOUT_FLAG = "--stream-idle-timeout";
    public static final String MAX_REQUEST_BODY_FLAG = "--max-request-body";
    public static final String MAX_CALL_BODY_FLAG = "--max-call-body";
    public static final String MAX_CONCURRENT_UPLOADS_FLAG = "--max-concurrent-uploads";
    public static final String MAX_TABLE_COLUMNS_FLAG = "--max-table-columns";
    public static final String MAX_LINE_LENGTH_FLAG = "--max-line-length";
    public static final String MAX_AUTO_RETRIES_FLAG = "--max-auto-retries";
    public static final String MAX_RETMSG_LENGTH_FLAG = "--max-retmsg-length";
    public static final String MAX_MODEL_ARCHIVE_FLAG = "--max-model-archive";
    public static final String API_READER_MAX_DOWNLOAD_FLAG = "--api-reader-max-download";
    public static final String MAX_BOARD_PAGE_ROWS_FLAG = "--max-board-page-rows";
    public static final String MAX_BOARD_LOG_LINES_FLAG = "--max-board-log-lines";
    public static final String MAX_BOARD_SESSIONS_FLAG = "--max-board-sessions";
    public static final String MAX_BOARD_WATCHERS_FLAG = "--max-board-watchers";
    public static final String BOARD_LOGIN_FAILURES_PER_KEY_FLAG = "--board-login-failures-per-key";
    public static final String BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG = "--board-login-failures-per-address";
    public static final String BOARD_LOGIN_WINDOW_FLAG = "--board-login-window";
    public static final String MAX_PRECOMPUTED_OBFUSCATORS_FLAG = "--max-precomputed-obfuscators";
    public static final String INTERSECT_CHUNK_IDS_FLAG = "--intersect-chunk-ids";
    public static final String BINNING_CHUNK_ROWS_FLAG = "--binning-chunk-rows";
    public static final String COMPONENT_CHUNK_ROWS_FLAG = "--component-chunk-rows";

    /** A transfer (upload, download stream) that moves no byte for this long is cut off. */
    private final Duration streamIdleTimeout;
    /** The JSON body of a call (the JSON form of an upload, the download routes): read up to this, never more. */
    private final long maxRequestBody;
    /**
     * The body of every other client-port call (the JSON API's transcoded routes): read whole before the call
     * runs, so it is held in memory up to this.
     */
    private final long maxCallBody;
    /** Uploads loading at once; each holds one database connection while its COPY runs. */
    private final int maxConcurrentUploads;
    /** Columns per uploaded table (id column included): the header is carried in every table_info answer. */
    private final int maxTableColumns;
    /** Characters per line of an uploaded file, header included: a line is parsed whole in memory. */
    private final int maxLineLength;
    /** A table bind with {@code host} that has not connected and logged in within this is refused. */
    private final Duration bindConnectTimeout;
    /** The most auto_retries a job may ask for a failed task; more is refused at submit. */
    private final int maxAutoRetries;
    /** Client-port calls served at once: the threads of the request executor (bounds their CPU share). */
    private final int requestThreads;
    /** Client-port calls that may wait for a request thread; past it a call is refused as busy. */
    private final int requestQueue;
    /** Database connections of the client and site ports' request work. */
    private final int requestDbPool;
    /** Database connections of the scheduler and the tasks it runs, apart so requests cannot starve jobs. */
    private final int jobDbPool;
    /** How long /health waits for the database before reporting it down. */
    private final Duration healthTimeout;
    /** A scheduler loop silent for this long is reported stalled by /health. */
    private final Duration schedulerStallTimeout;
    /**
     * A task that waits this long for one message from a peer fails with the reason (the peer's task
     * failed, was stopped, runs another version, or its party does not answer) instead of waiting forever.
     */
    private final Duration peerMessageTimeout;
    /** Characters of an answer's retmsg (and gRPC status message): a longer one keeps its head and tail. */
    private final int maxRetmsgLength;
    private final long jsonPrintCacheChars;
    private final long jobQueryCacheBytes;
    /** An online inference (its calls to the hosts included) that has not answered within this fails. */
    private final Duration inferenceTimeout;
    /** Rows of one batch inference request; more is refused. */
    private final int maxBatchInferenceRows;
    /**
     * Bytes of a model archive: the zip a model import receives and, unpacked, its entries together (a small
     * zip may unpack to far more: it is read entry by entry and refused once past this).
     */
    private final long maxModelArchive;
    /**
     * Bytes ApiReader takes from a data service's download: the body streams into the output table and is
     * cut off (the task failed, nothing written) once past this.
     */
    private final long apiReaderMaxDownload;
    /** The longest wait between two of ApiReader's polls of a data service's query (the waits grow up to it). */
    private final Duration apiReaderPollInterval;
    /** Rows of one page of the board's lists and output data preview (the page's {@code limit}); more is refused. */
    private final int maxBoardPageRows;
    /** Log lines of one answer of the board's component log; the page asks again from where it stopped. */
    private final int maxBoardLogLines;
    /** A board session unused for this long ends (its cookie then answers 401). */
    private final Duration boardSessionIdle;
    /** A board session ends this long after its login, however busy. */
    private final Duration boardSessionLifetime;
    /** Board sessions alive at once: each is held in memory; one more is refused until one ends. */
    private final int maxBoardSessions;
    /** Board pages following a job live (server-sent events) at once; each holds a stream open. */
    private final int maxBoardWatchers;
    /** Failed board logins for one app key within {@link #boardLoginWindow}; past it the key's logins are refused. */
    private final int boardLoginFailuresPerKey;
    /** Failed board logins from one client address within {@link #boardLoginWindow}; past it its logins are refused. */
    private final int boardLoginFailuresPerAddress;
    /** How long failed board logins count, from the first of them; the refusal lasts until it has passed. */
    private final Duration boardLoginWindow;
    /**
     * Paillier obfuscators (2·|n| bits each: 256 bytes at 1024 bits) one encrypting task computes ahead on a
     * background thread while it waits for its peers; 0 computes each when it is needed.
     */
    private final int maxPrecomputedObfuscators;
    /**
     * Ids (or their codes, signatures, blinded values) in one Intersection message to a peer: a table's ids go
     * chunk after chunk, so a message and what a task holds of it at once stay this size whatever the table's.
     */
    private final int intersectChunkIds;
    /**
     * Rows of one HeteroFeatureBinning message: the guest encrypts and sends its labels this many at a time,
     * so neither party holds more than a chunk of ciphertexts.
     */
    private final int binningChunkRows;
    /**
     * How long a site call's nonce, accepted in memory, may wait before it is written to PostgreSQL with the
     * others of its batch (one commit per batch, off the call's path).
     */
    private final Duration siteNonceFlushInterval;
    /**
     * How far a site call's timestamp may be from this node's clock for its nonce to be checked in memory;
     * farther (still within the 5-minute window) it is written to PostgreSQL before the call runs. It also
     * bounds what a crash can forget: after one, calls signed before the crashed process's lease end plus
     * this are refused.
     */
    private final Duration siteNonceFastSkew;
    /**
     * Bytes of a component message that the site port takes whole in memory and commits together with the
     * messages arriving at the same time (one transaction, one WAL flush for all); a larger message streams
     * into its own transaction chunk by chunk.
     */
    private final long transferGroupCommitBytes;
    /**
     * Bytes of component messages one task may have sent but not yet seen acknowledged by their party: a
     * send returns once its message is queued (a copy in memory) and delivery runs behind the task, in
     * order; past this a send waits for the acknowledgements of the earlier ones. 0 sends each message
     * before returning.
     */
    private final long transferSendQueueBytes;
    /**
     * How often a receiver waiting for a component message looks at the table although nothing woke it. A
     * commit wakes the receivers waiting for it, this process's directly and the other processes' of the site
     * by its NOTIFY; this only bounds the wait for a message whose notification was lost with the listening
     * connection.
     */
    private final Duration transferSafetyPoll;
    /**
     * Rows a component works on at once where it streams a table (HeteroLR): the most rows of one message to
     * a peer and of the values it holds per row, so its memory does not grow with the table.
     */
    private final int componentChunkRows;
    /**
     * The largest HTTP/2 frame the site port and the site client take (each advertises it in its SETTINGS, so
     * it is what the other end sends): a component message of a few hundred KB goes in one DATA frame instead
     * of one per 16 KiB (HTTP/2's default), and the event loops on both ends handle a few frames per message.
     * A frame is held whole before it is decoded; the message cap ({@code SiteMessages.MAX_BYTES}) still bounds
     * what a call may carry.
     */
    private final int siteHttp2FrameBytes;

    /** HTTP/2's bounds on SETTINGS_MAX_FRAME_SIZE (RFC 9113, section 6.5.2). */
    public static final int MIN_HTTP2_FRAME_BYTES = 16_384;
    public static final int DEFAULT_SITE_HTTP2_FRAME_BYTES = 1 << 20;
    public static final int MAX_HTTP2_FRAME_BYTES = 16_777_215;

    private Limits(Builder b) {
        this.streamIdleTimeout = requirePositive(b.streamIdleTimeout, "stream idle timeout");
        this.maxRequestBody = requirePositive(b.maxRequestBody, "max request body");
        this.maxCallBody = requirePositive(b.maxCallBody, "max call body");
        this.maxConcurrentUploads = (int) requirePositive(b.maxConcurrentUploads, "max concurrent uploads");
        this.maxTableColumns = (int) requirePositive(b.maxTableColumns, "max table columns");
        this.maxLineLength = (int) requirePositive(b.maxLineLength, "max line length");
        this.bindConnectTimeout = requirePositive(b.bindConnectTimeout, "bind connect timeout");
        this.maxAutoRetries = (int) requireNonNegative(b.maxAutoRetries, "max auto retries");
        this.requestThreads = (int) requirePositive(b.requestThreads, "request threads");
        this.requestQueue = (int) requireNonNegative(b.requestQueue, "request queue");
        this.requestDbPool = (int) requirePositive(b.requestDbPool, "request database pool");
        this.jobDbPool = (int) requirePositive(b.jobDbPool, "job database pool");
        this.healthTimeout = requirePositive(b.healthTimeout, "health timeout");
        this.schedulerStallTimeout = requirePositive(b.schedulerStallTimeout, "scheduler stall timeout");
        this.peerMessageTimeout = requirePositive(b.peerMessageTimeout, "peer message timeout");
        if (b.maxRetmsgLength < MIN_RETMSG_LENGTH) {
            throw new IllegalArgumentException("max retmsg length must be at least " + MIN_RETMSG_LENGTH + ", got "
                    + b.maxRetmsgLength);
        }
        this.maxRetmsgLength = b.maxRetmsgLength;
        this.jsonPrintCacheChars = requireNonNegative(b.jsonPrintCacheChars, "json print cache chars");
        this.jobQueryCacheBytes = requireNonNegative(b.jobQueryCacheBytes, "job query cache bytes");
        this.inferenceTimeout = requirePositive(b.inferenceTimeout, "inference timeout");
        this.maxBatchInferenceRows = (int) requirePositive(b.maxBatchInferenceRows, "max batch inference rows");
        this.maxModelArchive = requirePositive(b.maxModelArchive, "max model archive");
        this.apiReaderMaxDownload = requirePositive(b.apiReaderMaxDownload, "api reader max download");
        this.apiReaderPollInterval = requirePositive(b.apiReaderPollInterval, "api reader poll interval");
        this.maxBoardPageRows = (int) requirePositive(b.maxBoardPageRows, "max board page rows");
        this.maxBoardLogLines = (int) requirePositive(b.maxBoardLogLines, "max board log lines");
        this.boardSessionIdle = requirePositive(b.boardSessionIdle, "board session idle timeout");
        this.boardSessionLifetime = requirePositive(b.boardSessionLifetime, "board session lifetime");
        this.maxBoardSessions = (int) requirePositive(b.maxBoardSessions, "max board sessions");
        this.maxBoardWatchers = (int) requirePositive(b.maxBoardWatchers, "max board watchers");
        this.boardLoginFailuresPerKey = (int) requirePositive(b.boardLoginFailuresPerKey,
                "board login failures per key");
        this.boardLoginFailuresPerAddress = (int) requirePositive(b.boardLoginFailuresPerAddress,
                "board login failures per address");
        this.boardLoginWindow = requirePositive(b.boardLoginWindow, "board login window");
        this.maxPrecomputedObfuscators = (int) requireNonNegative(b.maxPrecomputedObfuscators,
                "max precomputed obfuscators");
        this.intersectChunkIds = (int) requirePositive(b.intersectChunkIds, "intersect chunk ids");
        this.binningChunkRows = (int) requirePositive(b.binningChunkRows, "binning chunk rows");
        this.siteNonceFlushInterval = requirePositive(b.siteNonceFlushInterval, "site nonce flush interval");
        this.siteNonceFastSkew = requirePositive(b.siteNonceFastSkew, "site nonce fast skew");
        this.transferGroupCommitBytes = requireNonNegative(b.transferGroupCommitBytes, "transfer group commit bytes");
        this.transferSendQueueBytes = requireNonNegative(b.transferSendQueueBytes, "transfer send queue bytes");
        this.transferSafetyPoll = requirePositive(b.transferSafetyPoll, "transfer safety poll");
        this.componentChunkRows = (int) requirePositive(b.componentChunkRows, "component chunk rows");
        if (b.siteHttp2FrameBytes < MIN_HTTP2_FRAME_BYTES || b.siteHttp2FrameBytes > MAX_HTTP2_FRAME_BYTES) {
            throw new IllegalArgumentException("site HTTP/2 frame bytes must be " + MIN_HTTP2_FRAME_BYTES + " to "
                    + MAX_HTTP2_FRAME_BYTES + " (HTTP/2's bounds), got " + b.siteHttp2FrameBytes);
        }
        this.siteHttp2FrameBytes = (int) b.siteHttp2FrameBytes;
    }

    /** Below this a shortened retmsg could not keep the field it names and the log id it gives. */
    public static final int MIN_RETMSG_LENGTH = 200;

    public static Limits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.streamIdleTimeout = streamIdleTimeout;
        b.maxRequestBody = maxRequestBody;
        b.maxCallBody = maxCallBody;
        b.maxConcurrentUploads = maxConcurrentUploads;
        b.maxTableColumns = maxTableColumns;
        b.maxLineLength = maxLineLength;
        b.bindConnectTimeout = bindConnectTimeout;
        b.maxAutoRetries = maxAutoRetries;
        b.requestThreads = requestThreads;
        b.requestQueue = requestQueue;
        b.requestDbPool = requestDbPool;
        b.jobDbPool = jobDbPool;
        b.healthTimeout = healthTimeout;
        b.schedulerStallTimeout = schedulerStallTimeout;
        b.peerMessageTimeout = peerMessageTimeout;
        b.maxRetmsgLength = maxRetmsgLength;
        b.jsonPrintCacheChars = jsonPrintCacheChars;
        b.jobQueryCacheBytes = jobQueryCacheBytes;
        b.inferenceTimeout = inferenceTimeout;
        b.maxBatchInferenceRows = maxBatchInferenceRows;
        b.maxModelArchive = maxModelArchive;
        b.apiReaderMaxDownload = apiReaderMaxDownload;
        b.apiReaderPollInterval = apiReaderPollInterval;
        b.maxBoardPageRows = maxBoardPageRows;
        b.maxBoardLogLines = maxBoardLogLines;
        b.boardSessionIdle = boardSessionIdle;
        b.boardSessionLifetime = boardSessionLifetime;
        b.maxBoardSessions = maxBoardSessions;
        b.maxBoardWatchers = maxBoardWatchers;
        b.boardLoginFailuresPerKey = boardLoginFailuresPerKey;
        b.boardLoginFailuresPerAddress = boardLoginFailuresPerAddress;
        b.boardLoginWindow = boardLoginWindow;
        b.maxPrecomputedObfuscators = maxPrecomputedObfuscators;
        b.intersectChunkIds = intersectChunkIds;
        b.binningChunkRows = binningChunkRows;
        b.siteNonceFlushInterval = siteNonceFlushInterval;
        b.siteNonceFastSkew = siteNonceFastSkew;
        b.transferGroupCommitBytes = transferGroupCommitBytes;
        b.transferSendQueueBytes = transferSendQueueBytes;
        b.transferSafetyPoll = transferSafetyPoll;
        b.componentChunkRows = componentChunkRows;
        b.siteHttp2FrameBytes = siteHttp2FrameBytes;
        return b;
    }

    public Duration streamIdleTimeout() {
        return streamIdleTimeout;
    }

    public long maxRequestBody() {
        return maxRequestBody;
    }

    public long maxCallBody() {
        return maxCallBody;
    }

    public int maxConcurrentUploads() {
        return maxConcurrentUploads;
    }

    public int maxTableColumns() {
        return maxTableColumns;
    }

    public int maxLineLength() {
        return maxLineLength;
    }

    public Duration bindConnectTimeout() {
        return bindConnectTimeout;
    }

    public int maxAutoRetries() {
        return maxAutoRetries;
    }

    public int requestThreads() {
        return requestThreads;
    }

    public int requestQueue() {
        return requestQueue;
    }

    public int requestDbPool() {
        return requestDbPool;
    }

    public int jobDbPool() {
        return jobDbPool;
    }

    public Duration healthTimeout() {
        return healthTimeout;
    }

    public Duration schedulerStallTimeout() {
        return schedulerStallTimeout;
    }

    public Duration peerMessageTimeout() {
        return peerMessageTimeout;
    }

    public long transferGroupCommitBytes() {
        return transferGroupCommitBytes;
    }

    public long transferSendQueueBytes() {
        return transferSendQueueBytes;
    }

    public Duration transferSafetyPoll() {
        return transferSafetyPoll;
    }

    public int maxRetmsgLength() {
        return maxRetmsgLength;
    }

    /**
     * Characters of stored JSON documents (a job's DSL and confs) and of their print that job/query keeps so
     * as not to parse and print them again at every poll; 0 keeps none.
     */
    public long jsonPrintCacheChars() {
        return jsonPrintCacheChars;
    }

    /**
     * Bytes of printed job/query answers (polls of one ended job by id) kept to answer without the database,
     * counted since the cache last started over; past it, it starts over. 0 keeps none.
     */
    public long jobQueryCacheBytes() {
        return jobQueryCacheBytes;
    }

    public Duration inferenceTimeout() {
        return inferenceTimeout;
    }

    public int maxBatchInferenceRows() {
        return maxBatchInferenceRows;
    }

    public long maxModelArchive() {
        return maxModelArchive;
    }

    public long apiReaderMaxDownload() {
        return apiReaderMaxDownload;
    }

    public Duration apiReaderPollInterval() {
        return apiReaderPollInterval;
    }

    public int maxBoardPageRows() {
        return maxBoardPageRows;
    }

    public int maxBoardLogLines() {
        return maxBoardLogLines;
    }

    public Duration boardSessionIdle() {
        return boardSessionIdle;
    }

    public Duration boardSessionLifetime() {
        return boardSessionLifetime;
    }

    public int maxBoardSessions() {
        return maxBoardSessions;
    }

    public int maxBoardWatchers() {
        return maxBoardWatchers;
    }

    public int boardLoginFailuresPerKey() {
        return boardLoginFailuresPerKey;
    }

    public int boardLoginFailuresPerAddress() {
        return boardLoginFailuresPerAddress;
    }

    public Duration boardLoginWindow() {
        return boardLoginWindow;
    }

    public int maxPrecomputedObfuscators() {
        return maxPrecomputedObfuscators;
    }

    public int intersectChunkIds() {
        return intersectChunkIds;
    }

    public int binningChunkRows() {
        return binningChunkRows;
    }

    public int componentChunkRows() {
        return componentChunkRows;
    }

    public Duration siteNonceFlushInterval() {
        return siteNonceFlushInterval;
    }

    public Duration siteNonceFastSkew() {
        return siteNonceFastSkew;
    }

    public int siteHttp2FrameBytes() {
        return siteHttp2FrameBytes;
    }

    private static Duration requirePositive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
        return d;
    }

    private static long requirePositive(long n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + n);
        }
        return n;
    }

    private static long requireNonNegative(long n, String what) {
        if (n < 0) {
            throw new IllegalArgumentException(what + " cannot be negative, got " + n);
        }
        return n;
    }

    /** Caps not set keep their defaults. */
    public static final class Builder {
        private Duration streamIdleTimeout = Duration.ofSeconds(60);
        private long maxRequestBody = 1 << 20;
        // Armeria's own default, which the transcoded routes had before it was a cap: a FATE conf is a few
        // KiB, a batch inference of 10,000 rows a few MiB.
        private long maxCallBody = 10 << 20;
        // Well below the database pool, so that uploads always leave connections to every other call.
        private long maxConcurrentUploads = 4;
        // FATE's wide data sets have a few thousand features; ten thousand leaves room.
        private long maxTableColumns = 10_000;
        // Ten thousand columns with names or values of up to ~100 characters each.
        private long maxLineLength = 1 << 20;
        private Duration bindConnectTimeout = Duration.ofSeconds(10);
        private int maxAutoRetries = 10;
        // Half the cores (at least 2): request work never takes every core from the jobs.
        private int requestThreads = Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
        private int requestQueue = 2000;
        private int requestDbPool = 8;
        private int jobDbPool = 16;
        private Duration healthTimeout = Duration.ofSeconds(2);
        private Duration schedulerStallTimeout = Duration.ofSeconds(30);
        private Duration peerMessageTimeout = Duration.ofMinutes(30);
        // Every message the node writes fits; only a request's own input echoed back can be longer.
        private int maxRetmsgLength = 1024;
        private long jsonPrintCacheChars = 4L << 20;
        private long jobQueryCacheBytes = 8L << 20;
        private Duration inferenceTimeout = Duration.ofSeconds(3);
        // FATE-Serving's clients send batches of a few hundred to a few thousand rows.
        private long maxBatchInferenceRows = 10_000;
        private long maxModelArchive = 64L << 20;
        // A few million rows of a few dozen features; a service sending more is cut off rather than filling the disk.
        private long apiReaderMaxDownload = 1L << 30;
        // FATE's ApiReader waits 30 s between polls.
        private Duration apiReaderPollInterval = Duration.ofSeconds(30);
        // A screenful is a few dozen rows; a thousand is already more than a browser table shows at ease.
        private long maxBoardPageRows = 1000;
        // A second of a chatty task's log; the page follows with the next offset.
        private long maxBoardLogLines = 2000;
        private Duration boardSessionIdle = Duration.ofMinutes(30);
        // A working day: a login in the morning lasts until the evening, not for weeks.
        private Duration boardSessionLifetime = Duration.ofHours(12);
        // Far more people than watch one site's board; each session is a few hundred bytes.
        private long maxBoardSessions = 1024;
        // Each watcher is one open stream and a share of its job's one poll a second.
        private long maxBoardWatchers = 256;
        // A person mistypes a secret a few times; ten guesses a quarter of an hour make guessing hopeless.
        private long boardLoginFailuresPerKey = 10;
        // Several people behind one NAT may each mistype a few times; a guesser trying many keys may not.
        private long boardLoginFailuresPerAddress = 50;
        private Duration boardLoginWindow = Duration.ofMinutes(15);
        // A batch of a few thousand rows (HeteroLR draws one batch's worth ahead): about 1 MiB at 1024 bits.
        private int maxPrecomputedObfuscators = 4096;
        // A few MB a message (a sha256 code is 64 characters, an RSA value 128 bytes at 1024 bits), a few dozen
        // messages for a million ids.
        private long intersectChunkIds = 100_000;
        // 10,000 ciphertexts of a 1024-bit key are 2.5 MB a message: few messages, and a chunk is little heap.
        private long binningChunkRows = 10_000;
        // Longer than the lease's half: the batches ride on the lease's renewals (two commits a second, which
        // are made anyway), whatever the call rate; a crash forgets nothing (see SiteNonceGuard), and a
        // process joining is handed every nonce held first.
        private Duration siteNonceFlushInterval = Duration.ofSeconds(1);
        // Clocks kept by NTP agree within milliseconds; a caller further off only pays the synchronous write.
        private Duration siteNonceFastSkew = Duration.ofSeconds(1);
        // HeteroLR's messages (a batch's ciphertexts) are a few hundred KB; a stream of messages this size at
        // once holds only a few MB.
        private long transferGroupCommitBytes = 1L << 20;
        // A HeteroLR batch sends a few hundred KB before its next receive; an intersection's id lists are a
        // few MB: room for both without holding more than this per running task.
        private long transferSendQueueBytes = 32L << 20;
        // Notifications are lost only with their connection, which is made again within a second or so.
        private Duration transferSafetyPoll = Duration.ofSeconds(1);
        // A HeteroLR message of 4,096 ciphertexts is 1 MiB at 1024 bits; a few such chunks in flight stay small.
        private long componentChunkRows = 4096;
        // A HeteroLR message (a batch's ciphertexts, up to a few hundred KB) in one frame; a 1 MiB transfer
        // chunk in two. Armeria's windows (1 MiB a stream and a connection) let such a frame go at once.
        private long siteHttp2FrameBytes = DEFAULT_SITE_HTTP2_FRAME_BYTES;

        private Builder() {}

        public Builder streamIdleTimeout(Duration d) {
            this.streamIdleTimeout = d;
            return this;
        }

        public Builder maxRequestBody(long bytes) {
            this.maxRequestBody = bytes;
            return this;
        }

        public Builder maxCallBody(long bytes) {
            this.maxCallBody = bytes;
            return this;
        }

        public Builder maxConcurrentUploads(int n) {
            this.maxConcurrentUploads = n;
            return this;
        }

        public Builder maxTableColumns(int n) {
            this.maxTableColumns = n;
            return this;
        }

        public Builder maxLineLength(int chars) {
            this.maxLineLength = chars;
            return this;
        }

        public Builder bindConnectTimeout(Duration d) {
            this.bindConnectTimeout = d;
            return this;
        }

        public Builder maxAutoRetries(int n) {
            this.maxAutoRetries = n;
            return this;
        }

        public Builder requestThreads(int n) {
            this.requestThreads = n;
            return this;
        }

        public Builder requestQueue(int n) {
            this.requestQueue = n;
            return this;
        }

        public Builder requestDbPool(int n) {
            this.requestDbPool = n;
            return this;
        }

        public Builder jobDbPool(int n) {
            this.jobDbPool = n;
            return this;
        }

        public Builder healthTimeout(Duration d) {
            this.healthTimeout = d;
            return this;
        }

        public Builder schedulerStallTimeout(Duration d) {
            this.schedulerStallTimeout = d;
            return this;
        }

        public Builder peerMessageTimeout(Duration d) {
            this.peerMessageTimeout = d;
            return this;
        }

        public Builder maxModelArchive(long bytes) {
            this.maxModelArchive = bytes;
            return this;
        }

        public Builder maxRetmsgLength(int chars) {
            this.maxRetmsgLength = chars;
            return this;
        }

        public Builder jsonPrintCacheChars(long chars) {
            this.jsonPrintCacheChars = chars;
            return this;
        }

        public Builder jobQueryCacheBytes(long bytes) {
            this.jobQueryCacheBytes = bytes;
            return this;
        }

        public Builder inferenceTimeout(Duration d) {
            this.inferenceTimeout = d;
            return this;
        }

        public Builder maxBatchInferenceRows(int n) {
            this.maxBatchInferenceRows = n;
            return this;
        }

        public Builder apiReaderMaxDownload(long bytes) {
            this.apiReaderMaxDownload = bytes;
            return this;
        }

        public Builder apiReaderPollInterval(Duration d) {
            this.apiReaderPollInterval = d;
            return this;
        }

        public Builder maxBoardPageRows(int n) {
            this.maxBoardPageRows = n;
            return this;
        }

        public Builder maxBoardLogLines(int n) {
            this.maxBoardLogLines = n;
            return this;
        }

        public Builder boardSessionIdle(Duration d) {
            this.boardSessionIdle = d;
            return this;
        }

        public Builder boardSessionLifetime(Duration d) {
            this.boardSessionLifetime = d;
            return this;
        }

        public Builder maxBoardSessions(int n) {
            this.maxBoardSessions = n;
            return this;
        }

        public Builder maxBoardWatchers(int n) {
            this.maxBoardWatchers = n;
            return this;
        }

        public Builder boardLoginFailuresPerKey(int n) {
            this.boardLoginFailuresPerKey = n;
            return this;
        }

        public Builder boardLoginFailuresPerAddress(int n) {
            this.boardLoginFailuresPerAddress = n;
            return this;
        }

        public Builder boardLoginWindow(Duration d) {
            this.boardLoginWindow = d;
            return this;
        }

        public Builder maxPrecomputedObfuscators(int n) {
            this.maxPrecomputedObfuscators = n;
            return this;
        }

        public Builder intersectChunkIds(int n) {
            this.intersectChunkIds = n;
            return this;
        }

        public Builder binningChunkRows(int rows) {
            this.binningChunkRows = rows;
            return this;
        }

        public Builder siteNonceFlushInterval(Duration d) {
            this.siteNonceFlushInterval = d;
            return this;
        }

        public Builder siteNonceFastSkew(Duration d) {
            this.siteNonceFastSkew = d;
            return this;
        }

        public Builder siteHttp2FrameBytes(long bytes) {
            this.siteHttp2FrameBytes = bytes;
            return this;
        }

        public Builder componentChunkRows(int rows) {
            this.componentChunkRows = rows;
            return this;
        }

        public Builder transferGroupCommitBytes(long bytes) {
            this.transferGroupCommitBytes = bytes;
            return this;
        }

        public Builder transferSendQueueBytes(long bytes) {
            this.transferSendQueueBytes = bytes;
            return this;
        }

        public Builder transferSafetyPoll(Duration poll) {
            this.transferSafetyPoll = poll;
            return this;
        }

        public Limits build() {
            return new Limits(this);
        }
    }
}
