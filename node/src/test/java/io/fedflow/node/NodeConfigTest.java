package io.fedflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedflow.node.core.ClientAppKeys;
import io.fedflow.node.core.Limits;
import io.fedflow.node.core.ModelStoreAddress;
import io.fedflow.node.core.NodeConfig;
import io.fedflow.node.core.SiteCallAuth;
import io.fedflow.node.core.TrustedProxies;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The builder's defaults and the checks a config passes when built. */
class NodeConfigTest {
    static final Path DATA = Path.of("target", "node-config-test", "..", "data");

    @Test
    void theDatabasePasswordNeverAppearsInItsText() {
        NodeConfig c = NodeConfig.builder("9999", DATA).dbUrl("jdbc:postgresql://db/fedflow").dbUser("fedflow")
                .dbPassword("s3cret-Pa55").build();
        assertThat(c.toString()).doesNotContain("s3cret-Pa55").contains("dbPassword=<set>", "dbUser=fedflow",
                "partyId=9999");
        assertThat(c.toBuilder().dbPassword(null).build().toString()).contains("dbPassword=null");
    }

    @Test
    void unsetFieldsTakeTheDefaults() {
        NodeConfig c = NodeConfig.builder("9999", DATA).build();
        Path data = DATA.toAbsolutePath().normalize();
        assertThat(c.partyId()).isEqualTo("9999");
        assertThat(c.dataDir()).isEqualTo(data);
        assertThat(c.host()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isZero();
        assertThat(c.sitePort()).isZero();
        assertThat(c.dbUrl()).isNull();
        assertThat(c.dbUser()).isNull();
        assertThat(c.dbPassword()).isNull();
        assertThat(c.importDir()).isEqualTo(data.resolve("import"));
        assertThat(c.exportDir()).isEqualTo(data.resolve("export"));
        assertThat(c.cores()).isEqualTo(16).isEqualTo(NodeConfig.DEFAULT_CORES);
        assertThat(c.clientAuth()).isFalse();
        assertThat(c.clientAppKeys()).isEqualTo(ClientAppKeys.none());
        assertThat(c.enforcePermission()).isTrue();
        assertThat(c.siteTls()).isFalse();
        assertThat(c.siteTlsName()).isEqualTo("site");
        assertThat(c.siteTlsCertificateFile()).isEqualTo(data.resolve("tls").resolve("site.crt.pem"));
        assertThat(c.limits()).usingRecursiveComparison().isEqualTo(Limits.defaults());
    }

    @Test
    void eachSetterSetsItsFieldAndToBuilderKeepsThemAll() {
        Limits limits = Limits.builder().maxRetmsgLength(300).build();
        NodeConfig c = NodeConfig.builder("1", DATA).host("0.0.0.0").httpPort(9380).sitePort(9360)
                .dbUrl("jdbc:postgresql://db/fate").dbUser("fate").dbPassword("pw")
                .importDir(Path.of("in")).exportDir(Path.of("out")).cores(3)
                .clientAuth(true).clientAppKeys(ClientAppKeys.of("k", "s")).enforcePermission(false)
                .siteTls(true).siteTlsName("guest-9999").limits(limits)
                .modelStore(new ModelStoreAddress("jdbc:postgresql://store/models", "m", "spw"))
                .zipkinUrl("http://zipkin:9411/api/v2/spans").metricsTokenFile(Path.of("token"))
                .siteCallAuth(SiteCallAuth.SIGNATURE)
                .trustedProxies(new TrustedProxies(List.of("10.0.0.0/8"), "Forwarded")).build();
        assertThat(c).isEqualTo(new NodeConfig("1", "0.0.0.0", 9380, 9360, DATA, "jdbc:postgresql://db/fate", "fate",
                "pw", Path.of("in"), Path.of("out"), 3, true, ClientAppKeys.of("k", "s"), false, true, "guest-9999",
                limits, new ModelStoreAddress("jdbc:postgresql://store/models", "m", "spw"),
                "http://zipkin:9411/api/v2/spans", Path.of("token"), SiteCallAuth.SIGNATURE,
                new TrustedProxies(List.of("10.0.0.0/8"), "forwarded")));
        assertThat(c.toString()).doesNotContain("spw");
        assertThat(c.importDir()).isEqualTo(Path.of("in").toAbsolutePath());
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().partyId("2").dataDir(Path.of("other")).build())
                .returns("2", NodeConfig::partyId)
                .returns(Path.of("other").toAbsolutePath(), NodeConfig::dataDir)
                .returns(c.importDir(), NodeConfig::importDir);
    }

    @Test
    void withLimitsChangesOnlyTheLimits() {
        NodeConfig c = NodeConfig.builder("9999", DATA).cores(2).siteTls(true).build();
        Limits quick = Limits.builder().healthTimeout(Duration.ofMillis(100)).build();
        assertThat(c.withLimits(quick)).isEqualTo(c.toBuilder().limits(quick).build());
        assertThat(c.withLimits(quick).limits()).isSameAs(quick);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"abc", "12345678901", "-1", "99 99", "9999\n"})
    void aPartyIdOtherThanOneToTenDigitsIsRefused(String partyId) {
        assertThatThrownBy(() -> NodeConfig.builder(partyId, DATA).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("party id must be 1 to 10 digits, got " + partyId);
    }

    @Test
    void aPartyIdOfOneToTenDigitsIsKept() {
        assertThat(NodeConfig.builder("0", DATA).build().partyId()).isEqualTo("0");
        assertThat(NodeConfig.builder("1234567890", DATA).build().partyId()).isEqualTo("1234567890");
    }

    @Test
    void fewerThanOneCoreIsRefused() {
        assertThatThrownBy(() -> NodeConfig.builder("9999", DATA).cores(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cores must be at least 1, got 0");
        assertThat(NodeConfig.builder("9999", DATA).cores(1).build().cores()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "../ca", "a/b", ".hidden", "site name", "süt"})
    void aSiteTlsNameThatIsNoPlainFileNameIsRefused(String name) {
        assertThatThrownBy(() -> NodeConfig.builder("9999", DATA).siteTlsName(name).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("site TLS name must be letters, digits, '.', '_' or '-', got ");
    }

    @Test
    void nullsMeanTheDefaults() {
        NodeConfig c = NodeConfig.builder("9999", DATA).siteTlsName(null).clientAppKeys(null).limits(null)
                .importDir(null).exportDir(null).build();
        assertThat(c).isEqualTo(NodeConfig.builder("9999", DATA).build().withLimits(c.limits()));
        assertThat(c.siteTlsName()).isEqualTo(NodeConfig.DEFAULT_SITE_TLS_NAME);
        assertThat(c.limits()).usingRecursiveComparison().isEqualTo(Limits.defaults());
    }

    @Test
    void aMissingDataDirIsRefused() {
        assertThatThrownBy(() -> NodeConfig.builder("9999", null).build()).isInstanceOf(NullPointerException.class);
    }

    @Test
    void theNodeCommandWithoutFlagsGivesTheBuilderDefaultsAndItsOwnPorts() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs();
        NodeConfig c = main.config(null, null);
        assertThat(c).isEqualTo(NodeConfig.builder("9999", Path.of("fedflow-data", "9999")).httpPort(9380)
                .sitePort(9360).limits(c.limits()).build());
        assertThat(c.limits()).usingRecursiveComparison().isEqualTo(Limits.defaults());
    }

    @Test
    void theNodeCommandFlagsReachTheConfig() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--party-id", "10000", "--host", "0.0.0.0", "--data-dir", "d",
                "--db-url", "jdbc:postgresql://db/fate", "--db-user", "fate", "--import-dir", "in", "--cores", "4",
                "--client-auth", "--client-app-key", "k", "--no-permission", "--site-tls", "--site-tls-name", "host",
                Limits.MAX_RETMSG_LENGTH_FLAG, "500");
        NodeConfig c = main.config("env-pw", "s");
        assertThat(c).isEqualTo(NodeConfig.builder("10000", Path.of("d")).host("0.0.0.0").httpPort(9380)
                .sitePort(9360).dbUrl("jdbc:postgresql://db/fate").dbUser("fate").dbPassword("env-pw")
                .importDir(Path.of("in")).cores(4).clientAuth(true).clientAppKeys(ClientAppKeys.of("k", "s"))
                .enforcePermission(false).siteTls(true).siteTlsName("host").limits(c.limits()).build());
        assertThat(c.limits().maxRetmsgLength()).isEqualTo(500);
    }

    @Test
    void aDatabasePasswordFlagWinsOverTheEnvironment() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--db-password", "flag-pw");
        assertThat(main.config("env-pw", null).dbPassword()).isEqualTo("flag-pw");
    }

    @Test
    void theModelStoreFlagsReachTheConfigAndItsPasswordIsNeverPrinted() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs("--model-store-url", "jdbc:postgresql://store/models", "--model-store-user",
                "keeper", "--model-store-password", "st0re-Pa55");
        NodeConfig c = main.config(null, null);
        assertThat(c.modelStore()).isEqualTo(new ModelStoreAddress("jdbc:postgresql://store/models", "keeper",
                "st0re-Pa55"));
        assertThat(c.toString()).doesNotContain("st0re-Pa55").contains("password=<set>", "jdbc:postgresql://store/models");
        NodeMain none = new NodeMain();
        new CommandLine(none).parseArgs();
        assertThat(none.config(null, null).modelStore()).isNull();
    }

    @Test
    void theTrustedProxyFlagsReachTheConfigAndNoneIsTheDefault() {
        NodeMain main = new NodeMain();
        new CommandLine(main).parseArgs(TrustedProxies.FLAG, "10.0.0.0/8, 192.168.1.7,fd00::/8",
                TrustedProxies.HEADER_FLAG, "Forwarded");
        assertThat(main.config(null, null).trustedProxies()).isEqualTo(new TrustedProxies(
                List.of("10.0.0.0/8", "192.168.1.7/32", "fd00::/8"), TrustedProxies.FORWARDED));
        NodeMain none = new NodeMain();
        new CommandLine(none).parseArgs();
        assertThat(none.config(null, null).trustedProxies()).isEqualTo(TrustedProxies.none())
                .returns(false, TrustedProxies::any).returns(TrustedProxies.X_FORWARDED_FOR, TrustedProxies::header);
    }

    @Test
    void anIpv4MappedNetworkIsTakenAsTheIpv4NetworkItMaps() {
        assertThat(new TrustedProxies(List.of("::ffff:10.0.0.0/104", "::FFFF:192.168.1.7", "::ffff:0.0.0.0/96"),
                null).cidrs()).containsExactly("10.0.0.0/8", "192.168.1.7/32", "0.0.0.0/0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example", "10.0.0.300", "10.0.0.0/33", "10.0.0.0/x", "fd00::/129", "10.0.0",
        "::ffff:10.0.0.0/95", "::ffff:10.0.0.0/129"})
    void aTrustedProxyThatIsNoAddressOrNetworkIsRefusedNamingTheFlag(String cidr) {
        assertThatThrownBy(() -> new TrustedProxies(List.of(cidr), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(TrustedProxies.FLAG + ": " + cidr + " ");
        assertThatThrownBy(() -> new TrustedProxies(List.of(), "X-Real-IP"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(TrustedProxies.HEADER_FLAG);
    }
}
