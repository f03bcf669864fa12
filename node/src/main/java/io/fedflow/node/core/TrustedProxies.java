package io.fedflow.node.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The reverse proxies whose word on the client's address the client port takes ({@value #FLAG}): a request
 * that arrives from one of these networks has its client address read from {@link #header()}, one that
 * arrives from anywhere else keeps the address of its connection, whatever headers it carries. None by
 * default, so that no client can name its own address (the board counts failed logins per address).
 *
 * @param cidrs  networks as {@code address/prefix} (a bare address is one host), IPv4 or IPv6 literals; an
 *               IPv4-mapped network ({@code ::ffff:10.0.0.0/104}) is kept as its IPv4 network
 * @param header the header the proxies write: {@code x-forwarded-for} or {@code forwarded} (RFC 7239)
 */
public record TrustedProxies(List<String> cidrs, String header) {
    public static final String FLAG = "--trusted-proxies";
    public static final String HEADER_FLAG = "--trusted-proxy-header";
    public static final String X_FORWARDED_FOR = "x-forwarded-for";
    public static final String FORWARDED = "forwarded";
    /** The bits of {@code ::ffff:0:0/96} in front of an IPv4-mapped address. */
    private static final int MAPPED_PREFIX = 96;

    public TrustedProxies {
        cidrs = cidrs == null ? List.of() : cidrs.stream().map(String::strip).filter(c -> !c.isEmpty())
                .map(TrustedProxies::checkedCidr).toList();
        header = header == null ? X_FORWARDED_FOR : header.strip().toLowerCase(Locale.ROOT);
        if (!header.equals(X_FORWARDED_FOR) && !header.equals(FORWARDED)) {
            throw new IllegalArgumentException(HEADER_FLAG + " must be X-Forwarded-For or Forwarded, got " + header);
        }
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of(), X_FORWARDED_FOR);
    }

    public boolean any() {
        return !cidrs.isEmpty();
    }

    /**
     * A network as {@code address/prefix}, or a bare address as its one host; refused naming the flag unless
     * the address is an IP literal (a host name would be looked up, and could change under the node) and the
     * prefix fits it.
     */
    private static String checkedCidr(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = literal(address);
        if (bytes == null) {
            throw new IllegalArgumentException(FLAG + ": " + cidr + " is not an IP address or address/prefix");
        }
        // An IPv4-mapped IPv6 literal (::ffff:a.b.c.d) parses to its IPv4 address, and a client on a dual-stack
        // socket is seen by that IPv4 address too: the network is kept as the IPv4 network it maps.
        boolean mapped = bytes.length == 4 && address.contains(":");
        int bits = mapped ? 128 : bytes.length * 8;
        String prefix = slash < 0 ? String.valueOf(bits) : cidr.substring(slash + 1);
        if (!prefix.matches("\\d{1,3}") || Integer.parseInt(prefix) > bits
                || mapped && Integer.parseInt(prefix) < MAPPED_PREFIX) {
            throw new IllegalArgumentException(FLAG + ": " + cidr + " has a prefix that is not "
                    + (mapped ? MAPPED_PREFIX : 0) + " to " + bits);
        }
        if (mapped) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff)
                    + "/" + (Integer.parseInt(prefix) - MAPPED_PREFIX);
        }
        return slash < 0 ? cidr + "/" + bits : cidr;
    }

    /** The bytes of an IPv4 or IPv6 literal, or null; never a name lookup. */
    private static byte[] literal(String address) {
        boolean v4 = address.matches("(\\d{1,3}\\.){3}\\d{1,3}");
        boolean v6 = address.contains(":") && address.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        if (v4) {
            for (String part : address.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return null;
                }
            }
        }
        try {
            // a literal (checked above) is parsed, never looked up
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
