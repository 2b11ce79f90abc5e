package dev.harbormaster.cel;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** {@code cidr(s)}: an address and a prefix length, the address kept as written (see {@link #masked()}). */
record KubeCidr(KubeIp ip, int prefixLength) {

    static KubeCidr parse(String s) {
        int slash = s.indexOf('/');
        String error = "network address parse error during conversion from string: ";
        if (slash < 0) {
            throw new IllegalArgumentException(error + "netip.ParsePrefix(\"" + s + "\"): no '/'");
        }
        KubeIp ip;
        try {
            ip = KubeIp.parse(s.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(error + e.getMessage());
        }
        String bits = s.substring(slash + 1);
        int max = ip.family() == 4 ? 32 : 128;
        if (!bits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bits) > max) {
            throw new IllegalArgumentException(error + "netip.ParsePrefix(\"" + s + "\"): bad bits after slash: \"" + bits + "\"");
        }
        return new KubeCidr(ip, Integer.parseInt(bits));
    }

    boolean contains(KubeIp other) {
        return other.family() == ip.family() && prefix(other.address()).equals(prefix(ip.address()));
    }

    boolean contains(KubeCidr other) {
        return other.prefixLength >= prefixLength && contains(other.ip);
    }

    KubeCidr masked() {
        int bits = ip.family() == 4 ? 32 : 128;
        BigInteger masked = prefix(ip.address()).shiftLeft(bits - prefixLength);
        byte[] raw = masked.toByteArray();
        byte[] out = new byte[bits / 8];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return new KubeCidr(new KubeIp(InetAddress.getByAddress(out)), prefixLength);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private BigInteger prefix(InetAddress address) {
        int bits = address.getAddress().length * 8;
        return new BigInteger(1, address.getAddress()).shiftRight(bits - prefixLength);
    }

    @Override
    public String toString() {
        return ip + "/" + prefixLength;
    }
}
