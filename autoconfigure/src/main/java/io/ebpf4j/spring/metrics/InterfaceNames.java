package io.ebpf4j.spring.metrics;

import java.net.NetworkInterface;
import java.net.SocketException;

/** Network interface names by index (the {@code ifname} decoder), cached; unknown indexes are retried later. */
final class InterfaceNames {
    private final BoundedCache<Integer, String> names;

    InterfaceNames(int cacheSize) {
        this.names = new BoundedCache<>(cacheSize);
    }

    /** The decoder: a u32 interface index (the first 4 bytes of the input) to its name, or {@code unknown:<index>}. */
    String decode(byte[] input) {
        if (input.length < 4) {
            throw new IllegalArgumentException("ifname needs a 4-byte interface index, got " + input.length
                    + " bytes");
        }
        int index = (int) NativeInts.read(input, 0, 4);
        String name = names.computeIfAbsent(index, InterfaceNames::lookup);
        return name != null ? name : "unknown:" + Integer.toUnsignedString(index);
    }

    private static String lookup(int index) {
        try {
            NetworkInterface nif = index > 0 ? NetworkInterface.getByIndex(index) : null;
            return nif == null ? null : nif.getName();
        } catch (SocketException e) {
            return null;
        }
    }
}
