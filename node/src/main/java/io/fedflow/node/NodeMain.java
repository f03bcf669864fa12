package io.fedflow.node;

import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.ModelStoreAddress;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.core.SiteCallAuth;
import io.fedflow.node.core.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts one node: {@code bin/fedflow-node [--party-id 9999] [--http-port 9380] ...}. */
@Command(name = "fedflow-node", mixinStandardHelpOptions = true,
         description = "Runs a Fedflow node: FATE-Flow's /v1 API and gRPC services for one party.")
public final class NodeMain implements Callable<Integer> {
    @Option(names = "--party-id", defaultValue = "9999", description = "This site's party id (default ${DEFAULT-VALUE}).")
    String partyId;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--http-port", defaultValue = "9380", description = "Client port: JSON /v1, gRPC, /docs (default ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--site-port", defaultValue = "9360", description = "Site-to-site port: signed gRPC party services only (default ${DEFAULT-VALUE}).")
    int sitePort;

    @Option(names = "--data-dir", description = "Data directory (default ./fedflow-data/<party-id>).")
    Path dataDir;

    @Option(names = "--db-url", description = "JDBC URL of an external PostgreSQL; embedded PostgreSQL otherwise.")
    String dbUrl;

    @Option(names = "--db-user", description = "User for --db-url.")
    String dbUser;

    @Option(names = "--db-password", description = "Password for --db-url (or env FEDFLOW_DB_PASSWORD).")
    String dbPassword;

    @Option(names = "--import-dir", description = "Files that use_local_data uploads may read (default <data-dir>/import).")
    Path importDir;

    @Option(names = "--export-dir", description = "Where download jobs may write (default <data-dir>/export).")
    Path exportDir;

    @Option(names = "--cores", defaultValue = "16", description = "Cores lent to jobs; a job holds task_cores × task_parallelism while it runs (default ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--no-permission", description = "Accept every job other sites initiate, without checking "
            + "grants (for demos; permission is enforced by default).")
    boolean noPermission;

    @Option(names = "--client-auth", description = "Require FATE's client authentication (HMAC headers TIMESTAMP, NONCE, "
            + "APP_KEY, SIGNATURE) on every /v1 call but scheduling ones, or the registered client_authentication hook. Off by default.")
    boolean clientAuth;

    @Option(names = "--client-app-key", description = "The APP_KEY clients sign with; its secret comes from env "
            + "FEDFLOW_CLIENT_APP_SECRET (not a flag, so it stays out of ps).")
    String clientAppKey;

    @Option(names = "--site-tls", description = "Mutual TLS on the site port: HTTPS only, callers must present a "
            + "certificate signed by <data-dir>/tls/ca.crt.pem; calls to peers added with --tls present this site's "
            + "certificate. Request signatures are still checked. Off by default (plain HTTP/2).")
    boolean siteTls;

    @Option(names = "--site-tls-name", defaultValue = NodeConfig.DEFAULT_SITE_TLS_NAME, paramLabel = "NAME",
            description = "This site's certificate with --site-tls: <data-dir>/tls/NAME.crt.pem and NAME.key.pem, "
                    + "as 'flow site cert --sites NAME' names them (default ${DEFAULT-VALUE}).")
    String siteTlsName;

    @Option(names = TrustedProxies.FLAG, split = ",", paramLabel = "CIDR",
            description = "Reverse proxies in front of the client port (address/prefix or an address, comma "
                    + "separated, IPv4 or IPv6): a request from one of them has its client address (what the "
                    + "board's login throttle counts) read from " + TrustedProxies.HEADER_FLAG + ", the last "
                    + "address in it no trusted proxy wrote. None by default: the connection's address, headers "
                    + "ignored.")
    List<String> trustedProxies;

    @Option(names = TrustedProxies.HEADER_FLAG, defaultValue = "X-Forwarded-For",
            paramLabel = "X-Forwarded-For|Forwarded",
            description = "The header the trusted proxies write the client's address in; only that one is read "
                    + "(default ${DEFAULT-VALUE}).")
    String trustedProxyHeader;

    @Option(names = "--site-call-auth", defaultValue = "mac", paramLabel = "mac|signature",
            description = "What this node's calls to other sites carry: 'mac', an HMAC-SHA256 with the key the two "
                    + "sites derive from their Ed25519 keys, or 'signature', an Ed25519 signature per call (what a "
                    + "peer with a registered site_authentication hook requires). Calls are signed anyway while a "
                    + "signature hook is registered; inbound calls may carry either (default ${DEFAULT-VALUE}).")
    String siteCallAuth;

    @Option(names = "--bind-connect-timeout", defaultValue = "10", paramLabel = "SECONDS",
            description = "How long a table bind to another PostgreSQL (address.host) may take to connect and log "
                    + "in (default ${DEFAULT-VALUE}).")
    int bindConnectTimeoutSeconds;

    @Option(names = "--max-auto-retries", defaultValue = "10", paramLabel = "N",
            description = "The most auto_retries a job may set; a job asking for more is refused at submit "
                    + "(default ${DEFAULT-VALUE}).")
    int maxAutoRetries;

    @Option(names = Limits.STREAM_IDLE_TIMEOUT_FLAG, defaultValue = "60", paramLabel = "SECONDS",
            description = "An upload that sends no byte for this long is cut off and rolled back (default ${DEFAULT-VALUE}).")
    long streamIdleTimeoutSeconds;

    @Option(names = Limits.MAX_REQUEST_BODY_FLAG, defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest JSON body of the upload and download routes; only a multipart file part may be "
                    + "larger (default ${DEFAULT-VALUE}).")
    long maxRequestBody;

    @Option(names = Limits.MAX_CALL_BODY_FLAG, defaultValue = "10485760", paramLabel = "BYTES",
            description = "Largest body of every other client-port call (e.g. /v1/job/submit), read whole before "
                    + "the call runs (default ${DEFAULT-VALUE}).")
    long maxCallBody;

    @Option(names = Limits.MAX_CONCURRENT_UPLOADS_FLAG, defaultValue = "4",
            description = "Uploads loading at once, each holding a database connection; one more is refused "
                    + "(default ${DEFAULT-VALUE}).")
    int maxConcurrentUploads;

    @Option(names = Limits.MAX_TABLE_COLUMNS_FLAG, defaultValue = "10000",
            description = "Columns per uploaded table, id included (default ${DEFAULT-VALUE}).")
    int maxTableColumns;

    @Option(names = Limits.MAX_LINE_LENGTH_FLAG, defaultValue = "1048576", paramLabel = "CHARS",
            description = "Characters per line of an uploaded file, header included (default ${DEFAULT-VALUE}).")
    int maxLineLength;

    @Option(names = "--request-threads", description = "Client-port calls served at once, on their own threads: "
            + "however many clients poll, request work takes no more cores and connections than this (default half "
            + "the cores, at least 2).")
    Integer requestThreads;

    @Option(names = "--request-queue", defaultValue = "2000", description = "Client-port calls that may wait for a "
            + "request thread; past it a call is answered at once as busy, retcode 100 (default ${DEFAULT-VALUE}).")
    int requestQueue;

    @Option(names = "--request-db-pool", defaultValue = "8", description = "Database connections of request work "
            + "(default ${DEFAULT-VALUE}).")
    int requestDbPool;

    @Option(names = "--job-db-pool", defaultValue = "16", description = "Database connections of the scheduler and "
            + "its tasks, apart from requests' (default ${DEFAULT-VALUE}).")
    int jobDbPool;

    @Option(names = "--health-timeout-ms", defaultValue = "2000", description = "How long /health waits for the "
            + "database before answering 503 (default ${DEFAULT-VALUE}).")
    long healthTimeoutMs;

    @Option(names = "--scheduler-stall-seconds", defaultValue = "30", description = "A scheduler loop silent this "
            + "long makes /health answer 503 (default ${DEFAULT-VALUE}).")
    long schedulerStallSeconds;

    @Option(names = "--peer-message-timeout", defaultValue = "1800", paramLabel = "SECONDS",
            description = "A task waiting this long for one message from a peer fails with the reason instead of "
                    + "waiting forever (default ${DEFAULT-VALUE}).")
    long peerMessageTimeoutSeconds;

    @Option(names = "--transfer-group-commit-bytes", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Component messages up to this size are received whole in memory and committed together "
                    + "with those arriving at the same time (one transaction); larger ones, or all with 0, stream "
                    + "into a transaction of their own (default ${DEFAULT-VALUE}).")
    long transferGroupCommitBytes;

    @Option(names = "--transfer-send-queue-bytes", defaultValue = "33554432", paramLabel = "BYTES",
            description = "Bytes of component messages a task may have sent but not yet seen acknowledged: a send "
                    + "returns once its message is queued and delivery runs behind the task, in order per destination; "
                    + "past this a send waits; 0 sends each message before returning (default ${DEFAULT-VALUE}).")
    long transferSendQueueBytes;

    @Option(names = "--transfer-safety-poll-ms", defaultValue = "1000", paramLabel = "MS",
            description = "A receiver waiting for a component message is woken by its commit (this process's "
                    + "directly, another process's of the site by a PostgreSQL NOTIFY); it also looks at the table "
                    + "this often, in case a notification was lost with its connection (default ${DEFAULT-VALUE}).")
    long transferSafetyPollMs;

    @Option(names = Limits.MAX_RETMSG_LENGTH_FLAG, defaultValue = "1024", paramLabel = "CHARS",
            description = "Longest retmsg (and gRPC status message) of an answer; a longer one, which can only "
                    + "come from echoed input, keeps its head and tail (default ${DEFAULT-VALUE}).")
    int maxRetmsgLength;

    @Option(names = "--json-print-cache-chars", defaultValue = "4194304", description = "Characters of stored JSON "
            + "documents (jobs' DSL and confs) and their print kept by job/query, which would otherwise parse and "
            + "print them at every poll; 0 keeps none (default ${DEFAULT-VALUE}).")
    long jsonPrintCacheChars;

    @Option(names = "--job-query-cache-bytes", defaultValue = "8388608", paramLabel = "BYTES", description = "Bytes "
            + "of printed job/query answers (a job that has ended, polled by id) kept to answer without the "
            + "database, dropped at every committed write of the job (any process sharing the database, through "
            + "a NOTIFY); past it the cache starts over; 0 keeps none (default ${DEFAULT-VALUE}).")
    long jobQueryCacheBytes;

    @Option(names = "--inference-timeout-ms", defaultValue = "3000", paramLabel = "MS",
            description = "An online inference (its calls to the hosts included) not answered within this fails "
                    + "with a clear retcode (default ${DEFAULT-VALUE}).")
    long inferenceTimeoutMs;

    @Option(names = "--max-batch-inference-rows", defaultValue = "10000", paramLabel = "ROWS",
            description = "Rows of one batchInference request; more is refused (default ${DEFAULT-VALUE}).")
    int maxBatchInferenceRows;

    @Option(names = Limits.MAX_MODEL_ARCHIVE_FLAG, defaultValue = "67108864", paramLabel = "BYTES",
            description = "Largest model archive a model import or restore takes, as sent and unpacked "
                    + "(default ${DEFAULT-VALUE}).")
    long maxModelArchive;

    @Option(names = Limits.API_READER_MAX_DOWNLOAD_FLAG, defaultValue = "1073741824", paramLabel = "BYTES",
            description = "Bytes ApiReader takes from a data service's download; past it the task fails and writes "
                    + "nothing (default ${DEFAULT-VALUE}).")
    long apiReaderMaxDownload;

    @Option(names = Limits.MAX_PRECOMPUTED_OBFUSCATORS_FLAG, defaultValue = "4096", paramLabel = "N",
            description = "Paillier obfuscators an encrypting task (HeteroLR's guest and host) computes ahead on a "
                    + "background thread while it waits for its peers, 256 bytes each at 1024 bits; 0 for none "
                    + "(default ${DEFAULT-VALUE}).")
    int maxPrecomputedObfuscators;

    @Option(names = Limits.INTERSECT_CHUNK_IDS_FLAG, defaultValue = "100000", paramLabel = "N",
            description = "Ids (hashed, signed or blinded) in one Intersection message to a peer: ids travel and are "
                    + "signed chunk after chunk (default ${DEFAULT-VALUE}).")
    int intersectChunkIds;

    @Option(names = Limits.BINNING_CHUNK_ROWS_FLAG, defaultValue = "10000", paramLabel = "ROWS",
            description = "Rows of one HeteroFeatureBinning message: the guest encrypts and sends its labels this "
                    + "many at a time, and the host adds them into its bins chunk by chunk (default ${DEFAULT-VALUE}).")
    int binningChunkRows;

    @Option(names = Limits.COMPONENT_CHUNK_ROWS_FLAG, defaultValue = "4096", paramLabel = "ROWS",
            description = "Rows a streaming component (HeteroLR) works on at once: the most rows of one message to a "
                    + "peer and of the per-row values it holds, so its memory does not grow with the table "
                    + "(default ${DEFAULT-VALUE}).")
    int componentChunkRows;

    @Option(names = "--api-reader-poll-ms", defaultValue = "30000", paramLabel = "MS",
            description = "Longest wait between ApiReader's polls of a data service's query; the waits start at "
                    + "1 s (or this, if shorter) and double up to it (default ${DEFAULT-VALUE}, FATE's 30 s).")
    long apiReaderPollMs;

    @Option(names = Limits.MAX_BOARD_PAGE_ROWS_FLAG, defaultValue = "1000", paramLabel = "ROWS",
            description = "Rows of one page of the board's lists (jobs, tables, models) and of its output data "
                    + "preview; a larger limit is refused (default ${DEFAULT-VALUE}).")
    int maxBoardPageRows;

    @Option(names = Limits.MAX_BOARD_LOG_LINES_FLAG, defaultValue = "2000", paramLabel = "LINES",
            description = "Log lines of one answer of the board's component log; the page reads on from the "
                    + "offset it is given (default ${DEFAULT-VALUE}).")
    int maxBoardLogLines;

    @Option(names = "--board-session-idle", defaultValue = "30", paramLabel = "MINUTES",
            description = "A board session unused this long ends; its page asks for the app key again "
                    + "(default ${DEFAULT-VALUE}).")
    long boardSessionIdleMinutes;

    @Option(names = "--board-session-lifetime", defaultValue = "720", paramLabel = "MINUTES",
            description = "A board session ends this long after its login, however busy (default ${DEFAULT-VALUE}).")
    long boardSessionLifetimeMinutes;

    @Option(names = Limits.MAX_BOARD_SESSIONS_FLAG, defaultValue = "1024", paramLabel = "N",
            description = "Board sessions alive at once; one more login is refused until one ends "
                    + "(default ${DEFAULT-VALUE}).")
    int maxBoardSessions;

    @Option(names = Limits.MAX_BOARD_WATCHERS_FLAG, defaultValue = "256", paramLabel = "N",
            description = "Board pages following a job live at once (server-sent events); one more is refused "
                    + "(default ${DEFAULT-VALUE}).")
    int maxBoardWatchers;

    @Option(names = Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG, defaultValue = "10", paramLabel = "N",
            description = "Failed board logins for one app key within --board-login-window; then its logins are "
                    + "refused until the window has passed (default ${DEFAULT-VALUE}).")
    int boardLoginFailuresPerKey;

    @Option(names = Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG, defaultValue = "50", paramLabel = "N",
            description = "Failed board logins from one client address within --board-login-window; then its "
                    + "logins are refused until the window has passed (default ${DEFAULT-VALUE}).")
    int boardLoginFailuresPerAddress;

    @Option(names = Limits.BOARD_LOGIN_WINDOW_FLAG, defaultValue = "15", paramLabel = "MINUTES",
            description = "How long failed board logins count, from the first of them (default ${DEFAULT-VALUE}).")
    long boardLoginWindowMinutes;

    @Option(names = "--site-nonce-flush-ms", defaultValue = "1000", paramLabel = "MS",
            description = "Longest wait of a site call's nonce, checked in memory, before its batch is written to "
                    + "PostgreSQL in one commit (default ${DEFAULT-VALUE}).")
    long siteNonceFlushMs;

    @Option(names = "--site-http2-frame-bytes", defaultValue = "1048576", paramLabel = "BYTES",
            description = "Largest HTTP/2 frame the site port and the calls to peers take (16384 to 16777215): a "
                    + "component message up to this goes in one DATA frame instead of one per 16 KiB "
                    + "(default ${DEFAULT-VALUE}).")
    long siteHttp2FrameBytes;

    @Option(names = "--site-nonce-fast-skew-ms", defaultValue = "1000", paramLabel = "MS",
            description = "A site call whose timestamp is within this of the node's clock has its nonce checked in "
                    + "memory; farther, it is written to PostgreSQL first. After a crash, calls signed before the "
                    + "crashed process's lease end plus this are refused (default ${DEFAULT-VALUE}).")
    long siteNonceFastSkewMs;

    @Option(names = "--model-store-url", description = "JDBC URL of the PostgreSQL that model store and restore "
            + "use; the node's own database otherwise.")
    String modelStoreUrl;

    @Option(names = "--model-store-user", description = "User for --model-store-url.")
    String modelStoreUser;

    @Option(names = "--model-store-password", description = "Password for --model-store-url (or env "
            + "FEDFLOW_MODEL_STORE_PASSWORD).")
    String modelStorePassword;

    @Option(names = "--zipkin-url", paramLabel = "URL", description = "Export the spans of site calls to this Zipkin "
            + "v2 endpoint (e.g. http://zipkin:9411/api/v2/spans). Off by default: trace context still travels "
            + "with every site call, nothing is recorded.")
    String zipkinUrl;

    @Option(names = "--metrics-token-file", paramLabel = "FILE", description = "A file holding the bearer token "
            + "that GET /metrics then requires (Authorization: Bearer ...). Without it /metrics is open, as /health.")
    Path metricsTokenFile;

    @Override
    public Integer call() throws Exception {
        String appSecret = System.getenv("FEDFLOW_CLIENT_APP_SECRET");
        if (clientAppKey != null && (appSecret == null || appSecret.isEmpty())) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--client-app-key needs its secret in env FEDFLOW_CLIENT_APP_SECRET");
        }
        NodeConfig config = config(System.getenv("FEDFLOW_DB_PASSWORD"), appSecret);
        long t0 = System.nanoTime();
        Node node = Node.start(config);
        System.out.printf("fedflow node party %s ready in %d ms: http://%s:%d/v1 (JSON + gRPC), /docs; "
                        + "site port %d; data in %s%n", partyId, (System.nanoTime() - t0) / 1_000_000, host,
                node.httpPort(), node.sitePort(), config.dataDir());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "fedflow-shutdown"));
        stopped.await();
        return 0;
    }

    /** The config the flags set, with the secrets from the environment (the database one unless a flag gives it). */
    NodeConfig config(String envDbPassword, String clientAppSecret) {
        return NodeConfig.builder(partyId, dataDir != null ? dataDir : Path.of("fedflow-data", partyId))
                .host(host)
                .httpPort(httpPort)
                .sitePort(sitePort)
                .dbUrl(dbUrl)
                .dbUser(dbUser)
                .dbPassword(dbPassword != null ? dbPassword : envDbPassword)
                .importDir(importDir)
                .exportDir(exportDir)
                .cores(cores)
                .clientAuth(clientAuth)
                .clientAppKeys(clientAppKey == null ? ClientAppKeys.none() : ClientAppKeys.of(clientAppKey,
                        clientAppSecret))
                .enforcePermission(!noPermission)
                .siteTls(siteTls)
                .siteTlsName(siteTlsName)
                .limits(limits())
                .modelStore(modelStoreUrl == null ? null : new ModelStoreAddress(modelStoreUrl, modelStoreUser,
                        modelStorePassword != null ? modelStorePassword
                                : System.getenv("FEDFLOW_MODEL_STORE_PASSWORD")))
                .zipkinUrl(zipkinUrl)
                .metricsTokenFile(metricsTokenFile)
                .siteCallAuth(SiteCallAuth.parse(siteCallAuth))
                .trustedProxies(new TrustedProxies(trustedProxies, trustedProxyHeader))
                .build();
    }

    /** The caps the flags set. */
    Limits limits() {
        return withRequestThreads(Limits.builder())
                .streamIdleTimeout(Duration.ofSeconds(streamIdleTimeoutSeconds))
                .maxRequestBody(maxRequestBody)
                .maxCallBody(maxCallBody)
                .maxConcurrentUploads(maxConcurrentUploads)
                .maxTableColumns(maxTableColumns)
                .maxLineLength(maxLineLength)
                .bindConnectTimeout(Duration.ofSeconds(bindConnectTimeoutSeconds))
                .maxAutoRetries(maxAutoRetries)
                .requestQueue(requestQueue)
                .requestDbPool(requestDbPool)
                .jobDbPool(jobDbPool)
                .healthTimeout(Duration.ofMillis(healthTimeoutMs))
                .schedulerStallTimeout(Duration.ofSeconds(schedulerStallSeconds))
                .peerMessageTimeout(Duration.ofSeconds(peerMessageTimeoutSeconds))
                .transferGroupCommitBytes(transferGroupCommitBytes)
                .transferSendQueueBytes(transferSendQueueBytes)
                .transferSafetyPoll(Duration.ofMillis(transferSafetyPollMs))
                .maxRetmsgLength(maxRetmsgLength)
                .jsonPrintCacheChars(jsonPrintCacheChars)
                .jobQueryCacheBytes(jobQueryCacheBytes)
                .inferenceTimeout(Duration.ofMillis(inferenceTimeoutMs))
                .maxBatchInferenceRows(maxBatchInferenceRows)
                .maxModelArchive(maxModelArchive)
                .apiReaderMaxDownload(apiReaderMaxDownload)
                .apiReaderPollInterval(Duration.ofMillis(apiReaderPollMs))
                .maxBoardPageRows(maxBoardPageRows)
                .maxBoardLogLines(maxBoardLogLines)
                .boardSessionIdle(Duration.ofMinutes(boardSessionIdleMinutes))
                .boardSessionLifetime(Duration.ofMinutes(boardSessionLifetimeMinutes))
                .maxBoardSessions(maxBoardSessions)
                .maxBoardWatchers(maxBoardWatchers)
                .boardLoginFailuresPerKey(boardLoginFailuresPerKey)
                .boardLoginFailuresPerAddress(boardLoginFailuresPerAddress)
                .boardLoginWindow(Duration.ofMinutes(boardLoginWindowMinutes))
                .maxPrecomputedObfuscators(maxPrecomputedObfuscators)
                .intersectChunkIds(intersectChunkIds)
                .binningChunkRows(binningChunkRows)
                .componentChunkRows(componentChunkRows)
                .siteNonceFlushInterval(Duration.ofMillis(siteNonceFlushMs))
                .siteNonceFastSkew(Duration.ofMillis(siteNonceFastSkewMs))
                .siteHttp2FrameBytes(siteHttp2FrameBytes)
                .build();
    }

    /** Half the cores (at least 2) unless --request-threads says otherwise. */
    private Limits.Builder withRequestThreads(Limits.Builder b) {
        return requestThreads == null ? b : b.requestThreads(requestThreads);
    }

    public static void main(String[] args) {
        int rc = new CommandLine(new NodeMain()).execute(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }
}
