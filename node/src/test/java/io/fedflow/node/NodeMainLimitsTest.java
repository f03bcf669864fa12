package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.core.Limits;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every cap has a flag, and no flag means the cap's default. */
class NodeMainLimitsTest {
    static Limits parse(String... args) {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs(args);
        return main.limits();
    }

    @Test
    void withoutFlagsTheCapsAreTheDefaults() {
        Limits parsed = parse();
        Limits defaults = Limits.defaults();
        assertThat(parsed.streamIdleTimeout()).isEqualTo(defaults.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parsed.maxRequestBody()).isEqualTo(defaults.maxRequestBody()).isEqualTo(1 << 20);
        assertThat(parsed.maxConcurrentUploads()).isEqualTo(defaults.maxConcurrentUploads()).isEqualTo(4);
        assertThat(parsed.maxTableColumns()).isEqualTo(defaults.maxTableColumns()).isEqualTo(10_000);
        assertThat(parsed.maxLineLength()).isEqualTo(defaults.maxLineLength()).isEqualTo(1 << 20);
        assertThat(parsed.bindConnectTimeout()).isEqualTo(defaults.bindConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(parsed.maxAutoRetries()).isEqualTo(defaults.maxAutoRetries()).isEqualTo(10);
        assertThat(parsed.maxRetmsgLength()).isEqualTo(defaults.maxRetmsgLength()).isEqualTo(1024);
        assertThat(parsed.inferenceTimeout()).isEqualTo(defaults.inferenceTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(parsed.maxBatchInferenceRows()).isEqualTo(defaults.maxBatchInferenceRows()).isEqualTo(10_000);
        assertThat(parsed.maxModelArchive()).isEqualTo(defaults.maxModelArchive()).isEqualTo(64L << 20);
        assertThat(parsed.apiReaderMaxDownload()).isEqualTo(defaults.apiReaderMaxDownload()).isEqualTo(1L << 30);
        assertThat(parsed.apiReaderPollInterval()).isEqualTo(defaults.apiReaderPollInterval())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(parsed.requestThreads()).isEqualTo(defaults.requestThreads())
                .isEqualTo(Math.max(2, Runtime.getRuntime().availableProcessors() / 2));
        assertThat(parsed.requestQueue()).isEqualTo(defaults.requestQueue()).isEqualTo(2000);
        assertThat(parsed.requestDbPool()).isEqualTo(defaults.requestDbPool()).isEqualTo(8);
        assertThat(parsed.jobDbPool()).isEqualTo(defaults.jobDbPool()).isEqualTo(16);
        assertThat(parsed.healthTimeout()).isEqualTo(defaults.healthTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(parsed.schedulerStallTimeout()).isEqualTo(defaults.schedulerStallTimeout())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(parsed.peerMessageTimeout()).isEqualTo(defaults.peerMessageTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(parsed.maxBoardWatchers()).isEqualTo(defaults.maxBoardWatchers()).isEqualTo(256);
        assertThat(parsed.siteNonceFlushInterval()).isEqualTo(defaults.siteNonceFlushInterval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(parsed.siteHttp2FrameBytes()).isEqualTo(defaults.siteHttp2FrameBytes()).isEqualTo(1 << 20);
        assertThat(parsed.siteNonceFastSkew()).isEqualTo(defaults.siteNonceFastSkew()).isEqualTo(Duration.ofSeconds(1));
        assertThat(parsed.transferGroupCommitBytes()).isEqualTo(defaults.transferGroupCommitBytes()).isEqualTo(1L << 20);
    }

    @Test
    void eachFlagSetsItsCap() {
        Limits l = parse(Limits.STREAM_IDLE_TIMEOUT_FLAG, "5", Limits.MAX_REQUEST_BODY_FLAG, "2048",
                Limits.MAX_CONCURRENT_UPLOADS_FLAG, "2", Limits.MAX_TABLE_COLUMNS_FLAG, "30",
                Limits.MAX_LINE_LENGTH_FLAG, "999", "--bind-connect-timeout", "3", Limits.MAX_AUTO_RETRIES_FLAG, "3",
                Limits.MAX_RETMSG_LENGTH_FLAG, "500", Limits.MAX_MODEL_ARCHIVE_FLAG, "4096", "--inference-timeout-ms", "250",
                "--max-batch-inference-rows", "7", Limits.API_READER_MAX_DOWNLOAD_FLAG, "5000",
                "--api-reader-poll-ms", "40", "--request-threads", "3", "--request-queue", "11",
                "--request-db-pool", "5", "--job-db-pool", "6", "--health-timeout-ms", "700",
                "--scheduler-stall-seconds", "9", "--peer-message-timeout", "40",
                Limits.MAX_BOARD_WATCHERS_FLAG, "12", "--site-nonce-flush-ms", "7",
                "--site-nonce-fast-skew-ms", "300", "--site-http2-frame-bytes", "65536",
                "--transfer-group-commit-bytes", "0");
        assertThat(l.streamIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(l.maxRequestBody()).isEqualTo(2048);
        assertThat(l.maxConcurrentUploads()).isEqualTo(2);
        assertThat(l.maxTableColumns()).isEqualTo(30);
        assertThat(l.maxLineLength()).isEqualTo(999);
        assertThat(l.bindConnectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(l.maxAutoRetries()).isEqualTo(3);
        assertThat(l.maxRetmsgLength()).isEqualTo(500);
        assertThat(l.inferenceTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(l.maxBatchInferenceRows()).isEqualTo(7);
        assertThat(l.maxModelArchive()).isEqualTo(4096);
        assertThat(l.apiReaderMaxDownload()).isEqualTo(5000);
        assertThat(l.apiReaderPollInterval()).isEqualTo(Duration.ofMillis(40));
        assertThat(l.requestThreads()).isEqualTo(3);
        assertThat(l.requestQueue()).isEqualTo(11);
        assertThat(l.requestDbPool()).isEqualTo(5);
        assertThat(l.jobDbPool()).isEqualTo(6);
        assertThat(l.healthTimeout()).isEqualTo(Duration.ofMillis(700));
        assertThat(l.schedulerStallTimeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(l.maxBoardWatchers()).isEqualTo(12);
        assertThat(l.peerMessageTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(l.transferGroupCommitBytes()).isZero();
        assertThat(l.siteNonceFlushInterval()).isEqualTo(Duration.ofMillis(7));
        assertThat(l.siteNonceFastSkew()).isEqualTo(Duration.ofMillis(300));
        assertThat(l.siteHttp2FrameBytes()).isEqualTo(65536);
    }

    @Test
    void siteNonceIntervalsMustBePositive() {
        assertThatThrownBy(() -> parse("--site-nonce-flush-ms", "0")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("site nonce flush interval");
        assertThatThrownBy(() -> parse("--site-nonce-fast-skew-ms", "-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("site nonce fast skew");
        assertThatThrownBy(() -> parse("--site-http2-frame-bytes", "1000")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("site HTTP/2 frame bytes");
    }

    @Test
    void theBoardsCapsHaveFlagsAndDefaults() {
        assertThat(parse().maxBoardPageRows()).isEqualTo(Limits.defaults().maxBoardPageRows()).isEqualTo(1000);
        assertThat(parse().maxBoardLogLines()).isEqualTo(Limits.defaults().maxBoardLogLines()).isEqualTo(2000);
        Limits l = parse(Limits.MAX_BOARD_PAGE_ROWS_FLAG, "30", Limits.MAX_BOARD_LOG_LINES_FLAG, "7");
        assertThat(l.maxBoardPageRows()).isEqualTo(30);
        assertThat(l.maxBoardLogLines()).isEqualTo(7);
    }

    @Test
    void theBoardsSessionFlagsSetTheirCaps() {
        Limits defaults = parse();
        assertThat(defaults.boardSessionIdle()).isEqualTo(Limits.defaults().boardSessionIdle())
                .isEqualTo(Duration.ofMinutes(30));
        assertThat(defaults.boardSessionLifetime()).isEqualTo(Limits.defaults().boardSessionLifetime())
                .isEqualTo(Duration.ofHours(12));
        assertThat(defaults.maxBoardSessions()).isEqualTo(Limits.defaults().maxBoardSessions()).isEqualTo(1024);
        Limits l = parse("--board-session-idle", "5", "--board-session-lifetime", "60",
                Limits.MAX_BOARD_SESSIONS_FLAG, "3");
        assertThat(l.boardSessionIdle()).isEqualTo(Duration.ofMinutes(5));
        assertThat(l.boardSessionLifetime()).isEqualTo(Duration.ofMinutes(60));
        assertThat(l.maxBoardSessions()).isEqualTo(3);
    }

    @Test
    void theBoardsLoginFailureFlagsSetTheirCaps() {
        Limits defaults = parse();
        assertThat(defaults.boardLoginFailuresPerKey()).isEqualTo(Limits.defaults().boardLoginFailuresPerKey())
                .isEqualTo(10);
        assertThat(defaults.boardLoginFailuresPerAddress())
                .isEqualTo(Limits.defaults().boardLoginFailuresPerAddress()).isEqualTo(50);
        assertThat(defaults.boardLoginWindow()).isEqualTo(Limits.defaults().boardLoginWindow())
                .isEqualTo(Duration.ofMinutes(15));
        Limits l = parse(Limits.BOARD_LOGIN_FAILURES_PER_KEY_FLAG, "4", Limits.BOARD_LOGIN_FAILURES_PER_ADDRESS_FLAG,
                "9", Limits.BOARD_LOGIN_WINDOW_FLAG, "2");
        assertThat(l.boardLoginFailuresPerKey()).isEqualTo(4);
        assertThat(l.boardLoginFailuresPerAddress()).isEqualTo(9);
        assertThat(l.boardLoginWindow()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void precomputedObfuscatorsDefaultTo4096AreSetByTheirFlagAndCannotBeNegative() {
        assertThat(parse().maxPrecomputedObfuscators()).isEqualTo(Limits.defaults().maxPrecomputedObfuscators())
                .isEqualTo(4096);
        assertThat(parse(Limits.MAX_PRECOMPUTED_OBFUSCATORS_FLAG, "0").maxPrecomputedObfuscators()).isZero();
        assertThat(parse(Limits.MAX_PRECOMPUTED_OBFUSCATORS_FLAG, "77").maxPrecomputedObfuscators()).isEqualTo(77);
        assertThat(Limits.builder().maxPrecomputedObfuscators(12).build().toBuilder().build()
                .maxPrecomputedObfuscators()).isEqualTo(12);
        assertThatThrownBy(() -> parse(Limits.MAX_PRECOMPUTED_OBFUSCATORS_FLAG, "-1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max precomputed obfuscators");
    }

    @Test
    void intersectChunkIdsDefaultTo100000AreSetByTheirFlagAndMustBePositive() {
        assertThat(parse().intersectChunkIds()).isEqualTo(Limits.defaults().intersectChunkIds()).isEqualTo(100_000);
        assertThat(parse(Limits.INTERSECT_CHUNK_IDS_FLAG, "7").intersectChunkIds()).isEqualTo(7);
        assertThat(Limits.builder().intersectChunkIds(12).build().toBuilder().build().intersectChunkIds()).isEqualTo(12);
        assertThatThrownBy(() -> parse(Limits.INTERSECT_CHUNK_IDS_FLAG, "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intersect chunk ids");
        assertThatThrownBy(() -> Limits.builder().intersectChunkIds(-5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("intersect chunk ids");
    }

    @Test
    void binningChunkRowsDefaultTo10000AreSetByTheirFlagAndMustBePositive() {
        assertThat(parse().binningChunkRows()).isEqualTo(Limits.defaults().binningChunkRows()).isEqualTo(10_000);
        assertThat(parse(Limits.BINNING_CHUNK_ROWS_FLAG, "7").binningChunkRows()).isEqualTo(7);
        assertThat(Limits.builder().binningChunkRows(12).build().toBuilder().build().binningChunkRows()).isEqualTo(12);
        assertThatThrownBy(() -> parse(Limits.BINNING_CHUNK_ROWS_FLAG, "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binning chunk rows");
        assertThatThrownBy(() -> Limits.builder().binningChunkRows(-5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("binning chunk rows");
    }

    @Test
    void componentChunkRowsDefaultTo4096AreSetByTheirFlagAndMustBePositive() {
        assertThat(parse().componentChunkRows()).isEqualTo(Limits.defaults().componentChunkRows()).isEqualTo(4096);
        assertThat(parse(Limits.COMPONENT_CHUNK_ROWS_FLAG, "7").componentChunkRows()).isEqualTo(7);
        assertThat(Limits.builder().componentChunkRows(12).build().toBuilder().build().componentChunkRows())
                .isEqualTo(12);
        for (String bad : List.of("0", "-5")) {
            assertThatThrownBy(() -> parse(Limits.COMPONENT_CHUNK_ROWS_FLAG, bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("component chunk rows must be at least 1, got " + bad);
        }
    }

    @Test
    void aNegativeTransferGroupCommitSizeIsRefused() {
        assertThatThrownBy(() -> parse("--transfer-group-commit-bytes", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transfer group commit bytes");
    }

    @Test
    void theTransferSendQueueDefaultsTo32MiBIsSetByItsFlagAndCannotBeNegative() {
        assertThat(parse().transferSendQueueBytes()).isEqualTo(Limits.defaults().transferSendQueueBytes())
                .isEqualTo(32L << 20);
        assertThat(parse("--transfer-send-queue-bytes", "0").transferSendQueueBytes()).isZero();
        assertThat(parse("--transfer-send-queue-bytes", "4096").toBuilder().build().transferSendQueueBytes())
                .isEqualTo(4096);
        assertThatThrownBy(() -> parse("--transfer-send-queue-bytes", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transfer send queue bytes");
    }

    @Test
    void theTransferSafetyPollDefaultsToOneSecondIsSetByItsFlagAndMustBePositive() {
        assertThat(parse().transferSafetyPoll()).isEqualTo(Limits.defaults().transferSafetyPoll())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(parse("--transfer-safety-poll-ms", "600000").toBuilder().build().transferSafetyPoll())
                .isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> parse("--transfer-safety-poll-ms", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("transfer safety poll");
    }

    @Test
    void theJsonPrintCacheDefaultsTo4MiCharsIsSetByItsFlagAndCannotBeNegative() {
        assertThat(parse().jsonPrintCacheChars()).isEqualTo(Limits.defaults().jsonPrintCacheChars())
                .isEqualTo(4L << 20);
        assertThat(parse("--json-print-cache-chars", "0").jsonPrintCacheChars()).isZero();
        assertThat(parse("--json-print-cache-chars", "1000").toBuilder().build().jsonPrintCacheChars())
                .isEqualTo(1000);
        assertThatThrownBy(() -> parse("--json-print-cache-chars", "-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("json print cache chars");
    }
}
