package io.fedflow.node.federation;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.server.ServerBuilder;
import io.fedflow.auth.tls.SiteTls;
import io.fedflow.node.core.Limits;
import io.netty.handler.ssl.ClientAuth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * Mutual TLS between sites: the site port asks every caller for a certificate signed by the sites' CA,
 * and calls to peers present this site's certificate and trust that CA alone (not the JDK's public
 * roots: a certificate any public CA issued must not pass as a site). It sits under the request
 * signatures, which are still checked: TLS keeps the wire private, the signature names the party.
 *
 * @param authority the CA every site certificate must chain to
 * @param site      this site's certificate and key, served to callers and presented to peers
 */
public record SiteMutualTls(X509Certificate authority, SiteTls.Material site) {

    /**
     * Reads the CA certificate and this site's certificate and key ({@code flow site cert} writes
     * them); a missing file is named, so that a node started with {@code --site-tls} fails at once.
     */
    public static SiteMutualTls load(Path caCertificate, Path certificate, Path privateKey) {
        for (Path file : new Path[] {caCertificate, certificate, privateKey}) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException("mutual TLS between sites needs " + file
                        + ": make it with 'flow site cert --out DIR --sites NAME' and copy it there");
            }
        }
        return new SiteMutualTls(SiteTls.readCertificate(caCertificate), SiteTls.load(certificate, privateKey));
    }

    /** Makes the site server HTTPS-only with a client certificate required at the handshake. */
    public void serve(ServerBuilder sb) {
        sb.tls(site.privateKey(), site.certificate());
        sb.tlsCustomizer(b -> b.trustManager(authority).clientAuth(ClientAuth.REQUIRE));
    }

    /** A client factory for the calls to peers; only https:// peers use its TLS settings. */
    public ClientFactory clientFactory() {
        return clientFactory(Limits.DEFAULT_SITE_HTTP2_FRAME_BYTES);
    }

    /** As {@link #clientFactory()}, taking HTTP/2 frames of up to {@code http2FrameBytes}. */
    public ClientFactory clientFactory(int http2FrameBytes) {
        return PartyClient.factoryBuilder(http2FrameBytes)
                .tls(site.privateKey(), site.certificate())
                .tlsCustomizer(b -> b.trustManager(authority))
                .build();
    }
}
