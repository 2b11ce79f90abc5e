package dev.harbormaster.cel;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;

/** {@code ip(s)}: an IPv4 or IPv6 address without zone; IPv4-mapped IPv6 is refused, as Kubernetes does. */
record KubeIp(InetAddress address) {

    static KubeIp parse(String s) {
        String error = "IP Address \"" + s + "\" parse error during conversion from string: ";
        if (s.contains("%")) {
            throw new IllegalArgumentException(error + "IP address with zone value is not allowed");
        }
        InetAddress address;
        try {
            address = InetAddresses.forString(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(error + "not an IP address");
        }
        if (address instanceof Inet4Address && s.contains(":")) {
            throw new IllegalArgumentException(error + "IPv4-mapped IPv6 address is not allowed");
        }
        return new KubeIp(address);
    }

    boolean isCanonical(String written) {
        return toString().equals(written);
    }

    int family() {
        return address instanceof Inet4Address ? 4 : 6;
    }

    boolean isUnspecified() {
        return address.isAnyLocalAddress();
    }

    boolean isLoopback() {
        return address.isLoopbackAddress();
    }

    boolean isLinkLocalMulticast() {
        return address.isMCLinkLocal();
    }

    boolean isLinkLocalUnicast() {
        return address.isLinkLocalAddress();
    }

    /** As Go's netip: none of unspecified, loopback, multicast, link-local unicast, or the IPv4 broadcast. */
    boolean isGlobalUnicast() {
        byte[] b = address.getAddress();
        boolean broadcast = b.length == 4 && (b[0] & b[1] & b[2] & b[3] & 0xff) == 0xff;
        return !isUnspecified() && !isLoopback() && !address.isMulticastAddress() && !isLinkLocalUnicast() && !broadcast;
    }

    /** RFC 5952 form for IPv6 (lowercase, longest zero run compressed), dotted quad for IPv4. */
    @Override
    public String toString() {
        return InetAddresses.toAddrString(address);
    }
}
