package io.fedflow.node.core;

import java.nio.file.Path;

/**
 * What a node needs to start. {@code dbUrl} null means an embedded PostgreSQL kept in
 * {@code dataDir/pg}; the import and export directories bound which server paths
 * {@code use_local_data} uploads and download jobs may touch. {@code clientAuth} switches FATE's client
 * authentication on (off by default, as in FATE); {@code clientAppKeys} are what the built-in accepts.
 * {@code siteTls} puts the site port behind mutual TLS with the certificates in {@link #tlsDir()}: the CA
 * {@code ca.crt.pem} and this site's {@code <siteTlsName>.crt.pem} / {@code .key.pem} (name "site" if null).
 * {@code zipkinUrl} (a Zipkin v2 spans endpoint) exports the spans of site calls; null exports none.
 * {@code metricsTokenFile} holds the bearer token {@code /metrics} requires; null leaves it open.
 * {@code siteCallAuth} is what this node's outbound site calls carry: a pairwise MAC (null: the default) or
 * an Ed25519 signature.
 *
 * <p>Built with {@link #builder(String, Path)}, which holds the defaults, or changed a field at a time with
 * {@link #toBuilder()}.
 */
public record NodeConfig(
        String partyId,
        String host,
        int httpPort,
        int sitePort,
        Path dataDir,
        String dbUrl,
        String dbUser,
        String dbPassword,
        Path importDir,
        Path exportDir,
        int cores,
        boolean clientAuth,
        ClientAppKeys clientAppKeys,
        boolean enforcePermission,
        boolean siteTls,
        String siteTlsName,
        Limits limits,
        ModelStoreAddress modelStore,
        String zipkinUrl,
        Path metricsTokenFile,
        SiteCallAuth siteCallAuth,
        TrustedProxies trustedProxies) {

    public NodeConfig {
        if (partyId == null || !partyId.matches("\\d{1,10}")) {
            throw new IllegalArgumentException("party id must be 1 to 10 digits, got " + partyId);
        }
        dataDir = dataDir.toAbsolutePath().normalize();
        importDir = (importDir != null ? importDir : dataDir.resolve("import")).toAbsolutePath().normalize();
        exportDir = (exportDir != null ? exportDir : dataDir.resolve("export")).toAbsolutePath().normalize();
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1, got " + cores);
        }
        clientAppKeys = clientAppKeys == null ? ClientAppKeys.none() : clientAppKeys;
        limits = limits == null ? Limits.defaults() : limits;
        siteCallAuth = siteCallAuth == null ? SiteCallAuth.MAC : siteCallAuth;
        trustedProxies = trustedProxies == null ? TrustedProxies.none() : trustedProxies;
        siteTlsName = siteTlsName == null ? DEFAULT_SITE_TLS_NAME : siteTlsName;
        // The name becomes a file name in the tls directory: no path tricks.
        if (!siteTlsName.matches("[A-Za-z0-9._-]+") || siteTlsName.startsWith(".")) {
            throw new IllegalArgumentException("site TLS name must be letters, digits, '.', '_' or '-', got "
                    + siteTlsName);
        }
    }

    /**
     * A builder for a node of {@code partyId} keeping its state in {@code dataDir}, every other field at its
     * default (see {@link Builder}).
     */
    public static Builder builder(String partyId, Path dataDir) {
        return new Builder(partyId, dataDir);
    }

    /** A builder holding this config's values, to change some of them. */
    public Builder toBuilder() {
        return new Builder(partyId, dataDir)
                .host(host)
                .httpPort(httpPort)
                .sitePort(sitePort)
                .dbUrl(dbUrl)
                .dbUser(dbUser)
                .dbPassword(dbPassword)
                .importDir(importDir)
                .exportDir(exportDir)
                .cores(cores)
                .clientAuth(clientAuth)
                .clientAppKeys(clientAppKeys)
                .enforcePermission(enforcePermission)
                .siteTls(siteTls)
                .siteTlsName(siteTlsName)
                .limits(limits)
                .modelStore(modelStore)
                .zipkinUrl(zipkinUrl)
                .metricsTokenFile(metricsTokenFile)
                .siteCallAuth(siteCallAuth)
                .trustedProxies(trustedProxies);
    }

    public static final int DEFAULT_CORES = 16;
    /** This site's certificate is {@code site.crt.pem} / {@code site.key.pem} unless a name is given. */
    public static final String DEFAULT_SITE_TLS_NAME = "site";

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    /** This site's Ed25519 key pair (PEM, owner-only), created on first start. */
    public Path keysDir() {
        return dataDir.resolve("keys");
    }

    /** The route table of peer sites; see {@code federation.PeerDirectory}. */
    public Path peersFile() {
        return dataDir.resolve("peers.json");
    }

    /** Certificates for mutual TLS between sites ({@code flow site cert} writes them here). */
    public Path tlsDir() {
        return dataDir.resolve("tls");
    }

    public Path tmpDir() {
        return dataDir.resolve("tmp");
    }

    /** The record's fields, the database password masked: configs end up in logs and test failure messages. */
    @Override
    public String toString() {
        return "NodeConfig[partyId=" + partyId + ", host=" + host + ", httpPort=" + httpPort + ", sitePort=" + sitePort
                + ", dataDir=" + dataDir + ", dbUrl=" + dbUrl + ", dbUser=" + dbUser
                + ", dbPassword=" + (dbPassword == null ? "null" : "<set>") + ", importDir=" + importDir
                + ", exportDir=" + exportDir + ", cores=" + cores + ", clientAuth=" + clientAuth
                + ", clientAppKeys=" + clientAppKeys + ", enforcePermission=" + enforcePermission
                + ", siteTls=" + siteTls + ", siteTlsName=" + siteTlsName + ", limits=" + limits
                + ", modelStore=" + modelStore + ", zipkinUrl=" + zipkinUrl + ", metricsTokenFile=" + metricsTokenFile
                + ", siteCallAuth=" + siteCallAuth + ", trustedProxies=" + trustedProxies + "]";
    }

    /** This config with other caps (see {@link Limits}). */
    public NodeConfig withLimits(Limits newLimits) {
        return toBuilder().limits(newLimits).build();
    }

    /** This site's TLS certificate, presented to callers and, as client certificate, to peers. */
    public Path siteTlsCertificateFile() {
        return tlsDir().resolve(siteTlsName + ".crt.pem");
    }

    /** Its PKCS#8 private key (owner-only, as {@code flow site cert} writes it). */
    public Path siteTlsKeyFile() {
        return tlsDir().resolve(siteTlsName + ".key.pem");
    }

    /**
     * Fields not set keep their defaults, all given here: loopback host, ports chosen free at start (0),
     * embedded PostgreSQL (no database URL), import and export directories under the data directory (null),
     * {@value NodeConfig#DEFAULT_CORES} cores, client authentication off with no app keys, permission
     * enforced, the site port without TLS and certificate name {@value NodeConfig#DEFAULT_SITE_TLS_NAME},
     * {@link Limits#defaults()}. Checked when built, by the record's constructor.
     */
    public static final class Builder {
        private String partyId;
        private Path dataDir;
        private String host = "127.0.0.1";
        private int httpPort;
        private int sitePort;
        private String dbUrl;
        private String dbUser;
        private String dbPassword;
        private Path importDir;
        private Path exportDir;
        // As many as FATE's standalone deployment lends.
        private int cores = DEFAULT_CORES;
        // Off, as in FATE.
        private boolean clientAuth;
        private ClientAppKeys clientAppKeys = ClientAppKeys.none();
        private boolean enforcePermission = true;
        private boolean siteTls;
        private String siteTlsName = DEFAULT_SITE_TLS_NAME;
        private Limits limits = Limits.defaults();
        private ModelStoreAddress modelStore;
        private String zipkinUrl;
        private Path metricsTokenFile;
        private SiteCallAuth siteCallAuth = SiteCallAuth.MAC;
        private TrustedProxies trustedProxies = TrustedProxies.none();

        private Builder(String partyId, Path dataDir) {
            this.partyId = partyId;
            this.dataDir = dataDir;
        }

        public Builder partyId(String id) {
            this.partyId = id;
            return this;
        }

        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        public Builder host(String address) {
            this.host = address;
            return this;
        }

        /** The client port; 0 for a free one chosen at start. */
        public Builder httpPort(int port) {
            this.httpPort = port;
            return this;
        }

        /** The site port; 0 for a free one chosen at start. */
        public Builder sitePort(int port) {
            this.sitePort = port;
            return this;
        }

        /** An external PostgreSQL; null for the embedded one in {@code dataDir/pg}. */
        public Builder dbUrl(String url) {
            this.dbUrl = url;
            return this;
        }

        public Builder dbUser(String user) {
            this.dbUser = user;
            return this;
        }

        public Builder dbPassword(String password) {
            this.dbPassword = password;
            return this;
        }

        /** The files {@code use_local_data} uploads may read; null for {@code dataDir/import}. */
        public Builder importDir(Path dir) {
            this.importDir = dir;
            return this;
        }

        /** Where download jobs may write; null for {@code dataDir/export}. */
        public Builder exportDir(Path dir) {
            this.exportDir = dir;
            return this;
        }

        public Builder cores(int n) {
            this.cores = n;
            return this;
        }

        public Builder clientAuth(boolean on) {
            this.clientAuth = on;
            return this;
        }

        public Builder clientAppKeys(ClientAppKeys keys) {
            this.clientAppKeys = keys;
            return this;
        }

        /** Inbound jobs checked against the grants ({@code true}) or all accepted. */
        public Builder enforcePermission(boolean enforce) {
            this.enforcePermission = enforce;
            return this;
        }

        /** Mutual TLS on the site port ({@code true}) or plain HTTP/2. */
        public Builder siteTls(boolean on) {
            this.siteTls = on;
            return this;
        }

        /** This site's certificate is {@code <name>.crt.pem} / {@code <name>.key.pem} in the tls directory. */
        public Builder siteTlsName(String name) {
            this.siteTlsName = name;
            return this;
        }

        /** Where model store and restore keep archives: another PostgreSQL; null for the node's own database. */
        public Builder modelStore(ModelStoreAddress address) {
            this.modelStore = address;
            return this;
        }

        /** Where the spans of site calls go (Zipkin's {@code /api/v2/spans}); null: nowhere. */
        public Builder zipkinUrl(String url) {
            this.zipkinUrl = url;
            return this;
        }

        /** A file holding the bearer token {@code /metrics} requires; null: {@code /metrics} is open. */
        public Builder metricsTokenFile(Path file) {
            this.metricsTokenFile = file;
            return this;
        }

        /** What outbound site calls carry: a pairwise MAC (the default) or an Ed25519 signature. */
        public Builder siteCallAuth(SiteCallAuth mode) {
            this.siteCallAuth = mode;
            return this;
        }

        public Builder trustedProxies(TrustedProxies proxies) {
            this.trustedProxies = proxies;
            return this;
        }

        public Builder limits(Limits caps) {
            this.limits = caps;
            return this;
        }

        public NodeConfig build() {
            return new NodeConfig(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir,
                    exportDir, cores, clientAuth, clientAppKeys, enforcePermission, siteTls, siteTlsName, limits,
                    modelStore, zipkinUrl, metricsTokenFile, siteCallAuth, trustedProxies);
        }
    }
}
