package io.fedflow.node;

import java.nio.file.Path;

/**
 * What a node needs to start. {@code dbUrl} null means an embedded PostgreSQL kept in
 * {@code dataDir/pg}; the import and export directories bound which server paths
 * {@code use_local_data} uploads and download jobs may touch. {@code clientAuth} switches FATE's client
 * authentication on (off by default, as in FATE); {@code clientAppKeys} are what the built-in accepts.
 * {@code siteTls} puts the site port behind mutual TLS with the certificates in {@link #tlsDir()}: the CA
 * {@code ca.crt.pem} and this site's {@code <siteTlsName>.crt.pem} / {@code .key.pem} (name "site" if null).
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
        Limits limits) {

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
        siteTlsName = siteTlsName == null ? DEFAULT_SITE_TLS_NAME : siteTlsName;
        // The name becomes a file name in the tls directory: no path tricks.
        if (!siteTlsName.matches("[A-Za-z0-9._-]+") || siteTlsName.startsWith(".")) {
            throw new IllegalArgumentException("site TLS name must be letters, digits, '.', '_' or '-', got "
                    + siteTlsName);
        }
    }

    /** A config with the site port in plain HTTP/2 (no mutual TLS), as by default. */
    public NodeConfig(String partyId, String host, int httpPort, int sitePort, Path dataDir, String dbUrl,
                      String dbUser, String dbPassword, Path importDir, Path exportDir, int cores, boolean clientAuth,
                      ClientAppKeys clientAppKeys, boolean enforcePermission) {
        this(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir, exportDir, cores,
                clientAuth, clientAppKeys, enforcePermission, false, null, Limits.defaults());
    }


    /** A config with the defaults for what is not given: 16 cores, as FATE's standalone deployment lends. */
    public NodeConfig(String partyId, String host, int httpPort, int sitePort, Path dataDir, String dbUrl,
                      String dbUser, String dbPassword, Path importDir, Path exportDir) {
        this(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir, exportDir,
                DEFAULT_CORES);
    }

    /** A config without client authentication and with permission enforced, as by default. */
    public NodeConfig(String partyId, String host, int httpPort, int sitePort, Path dataDir, String dbUrl,
                      String dbUser, String dbPassword, Path importDir, Path exportDir, int cores) {
        this(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir, exportDir, cores,
                false, ClientAppKeys.none(), true);
    }

    /** This config with inbound jobs checked against the grants ({@code true}, the default) or not. */
    public NodeConfig withPermission(boolean enforce) {
        return new NodeConfig(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir,
                exportDir, cores, clientAuth, clientAppKeys, enforce, siteTls, siteTlsName, limits);
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

    public NodeConfig withPorts(int http, int site) {
        return new NodeConfig(partyId, host, http, site, dataDir, dbUrl, dbUser, dbPassword, importDir, exportDir,
                cores, clientAuth, clientAppKeys, enforcePermission, siteTls, siteTlsName, limits);
    }

    public NodeConfig withClientAuth(boolean on, ClientAppKeys keys) {
        return new NodeConfig(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir,
                exportDir, cores, on, keys, enforcePermission, siteTls, siteTlsName, limits);
    }

    /** This config with mutual TLS on the site port ({@code true}) or plain HTTP/2 (the default). */
    public NodeConfig withSiteTls(boolean on) {
        return withSiteTls(on, siteTlsName);
    }

    /** This config with mutual TLS on the site port, presenting {@code <name>.crt.pem} from {@link #tlsDir()}. */
    public NodeConfig withSiteTls(boolean on, String name) {
        return new NodeConfig(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir,
                exportDir, cores, clientAuth, clientAppKeys, enforcePermission, on, name, limits);
    }

    /** This config with other caps (see {@link Limits}). */
    public NodeConfig withLimits(Limits newLimits) {
        return new NodeConfig(partyId, host, httpPort, sitePort, dataDir, dbUrl, dbUser, dbPassword, importDir,
                exportDir, cores, clientAuth, clientAppKeys, enforcePermission, siteTls, siteTlsName, newLimits);
    }

    /** This site's TLS certificate, presented to callers and, as client certificate, to peers. */
    public Path siteTlsCertificateFile() {
        return tlsDir().resolve(siteTlsName + ".crt.pem");
    }

    /** Its PKCS#8 private key (owner-only, as {@code flow site cert} writes it). */
    public Path siteTlsKeyFile() {
        return tlsDir().resolve(siteTlsName + ".key.pem");
    }
}
