package io.fedflow.node.server;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.util.InetAddressPredicates;
import com.linecorp.armeria.server.ClientAddressSource;
import com.linecorp.armeria.server.ProxiedAddresses;
import com.linecorp.armeria.server.ServerBuilder;
import io.fedflow.node.core.TrustedProxies;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Where the client port takes a request's client address from ({@code ctx.clientAddress()}, what the board's
 * login throttle counts): the connection's address, unless the connection comes from a trusted proxy; then
 * the address that proxy's header names.
 *
 * <p>Armeria reads the header only on a connection from a trusted proxy, and only the one header the proxies
 * are said to write (a {@code Forwarded} the client sent through a proxy that writes {@code X-Forwarded-For}
 * would otherwise be believed). Of the addresses in it, the client's is the last one no trusted proxy
 * wrote: proxies append, so everything left of that may be the client's own invention. (Armeria's own
 * choice is the first address, which a client sending the header itself through an appending proxy picks.)
 */
public final class ClientAddresses implements FlowServer.Mount {
    private final TrustedProxies proxies;
    private final Predicate<InetAddress> trusted;

    public ClientAddresses(TrustedProxies proxies) {
        this.proxies = proxies;
        Predicate<InetAddress> any = a -> false;
        for (String cidr : proxies.cidrs()) {
            any = any.or(InetAddressPredicates.ofCidr(cidr));
        }
        this.trusted = any;
    }

    @Override
    public void mountOn(ServerBuilder sb) {
        if (!proxies.any()) {
            // Armeria's default trusts no proxy: the connection's address it is
            return;
        }
        sb.clientAddressTrustedProxyFilter(trusted)
                .clientAddressSources(ClientAddressSource.ofHeader(
                        proxies.header().equals(TrustedProxies.FORWARDED) ? HttpHeaderNames.FORWARDED
                                : HttpHeaderNames.X_FORWARDED_FOR))
                .clientAddressMapper(this::client);
    }

    /** The last address no trusted proxy wrote; the first when trusted proxies wrote them all. */
    InetSocketAddress client(ProxiedAddresses addresses) {
        List<InetSocketAddress> chain = new ArrayList<>();
        chain.add(addresses.sourceAddress());
        chain.addAll(addresses.destinationAddresses());
        for (int i = chain.size() - 1; i > 0; i--) {
            if (!trusted.test(chain.get(i).getAddress())) {
                return chain.get(i);
            }
        }
        return chain.get(0);
    }
}
