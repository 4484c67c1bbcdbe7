package io.ebpf4j.spring.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Kernel addresses to symbol names (the {@code ksym} and {@code kstack} decoders), from {@code /proc/kallsyms}: an
 * address resolves to the closest symbol at or below it. The table is read on first use and read again when an
 * address does not resolve (a module was loaded), at most once per {@code reloadInterval} nanoseconds. Without
 * CAP_SYSLOG the kernel shows every address as 0 and nothing resolves.
 */
final class KernelSymbols {
    private final Path kallsyms;
    private final long reloadIntervalNanos;
    private final LongSupplier nanoTime;
    private volatile Table table;
    private long lastLoadNanos;

    private record Table(long[] addresses, String[] names) {
        /** The symbol containing {@code address}, or {@code null}. Addresses compare unsigned. */
        String find(long address) {
            int low = 0;
            int high = addresses.length - 1;
            int found = -1;
            while (low <= high) {
                int mid = (low + high) >>> 1;
                if (Long.compareUnsigned(addresses[mid], address) <= 0) {
                    found = mid;
                    low = mid + 1;
                } else {
                    high = mid - 1;
                }
            }
            return found < 0 || addresses[found] == 0 ? null : names[found];
        }
    }

    KernelSymbols(Path kallsyms, long reloadIntervalNanos, LongSupplier nanoTime) {
        this.kallsyms = kallsyms;
        this.reloadIntervalNanos = reloadIntervalNanos;
        this.nanoTime = nanoTime;
    }

    /** The decoder {@code ksym}: a u64 address to its function name, or {@code unknown_addr:0x<address>}. */
    String decodeSymbol(byte[] input) {
        if (input.length != 8) {
            throw new IllegalArgumentException("ksym needs an 8-byte address, got " + input.length + " bytes");
        }
        long address = NativeInts.read(input, 0, 8);
        String name = resolve(address);
        return name != null ? name : "unknown_addr:0x" + Long.toHexString(address);
    }

    /**
     * The decoder {@code kstack}: u64 addresses up to the first 0, to newline-separated names ({@code ??} if unknown).
     */
    String decodeStack(byte[] input) {
        StringBuilder out = new StringBuilder();
        for (int off = 0; off + 8 <= input.length; off += 8) {
            long address = NativeInts.read(input, off, 8);
            if (address == 0) {
                break;
            }
            if (off > 0) {
                out.append('\n');
            }
            String name = resolve(address);
            out.append(name != null ? name : "??");
        }
        return out.toString();
    }

    private String resolve(long address) {
        Table t = table;
        if (t == null) {
            t = load(true);
        }
        String name = t.find(address);
        if (name == null) {
            t = load(false);
            name = t.find(address);
        }
        return name;
    }

    private synchronized Table load(boolean initial) {
        long now = nanoTime.getAsLong();
        if (table != null && (initial || now - lastLoadNanos < reloadIntervalNanos)) {
            return table;
        }
        lastLoadNanos = now;
        table = read();
        return table;
    }

    private Table read() {
        int count = 0;
        long[] addresses = new long[1 << 16];
        String[] names = new String[1 << 16];
        try (BufferedReader in = Files.newBufferedReader(kallsyms)) {
            String line;
            while ((line = in.readLine()) != null) {
                // "<address> <type> <name>[\t[module]]"
                int first = line.indexOf(' ');
                int second = first < 0 ? -1 : line.indexOf(' ', first + 1);
                if (second < 0) {
                    continue;
                }
                int end = line.indexOf('\t', second + 1);
                if (count == addresses.length) {
                    addresses = Arrays.copyOf(addresses, count * 2);
                    names = Arrays.copyOf(names, count * 2);
                }
                addresses[count] = Long.parseUnsignedLong(line, 0, first, 16);
                names[count] = end < 0 ? line.substring(second + 1) : line.substring(second + 1, end);
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + kallsyms, e);
        }
        // sort by unsigned address, carrying names along
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        long[] unsorted = addresses;
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(unsorted[a], unsorted[b]));
        long[] sortedAddresses = new long[count];
        String[] sortedNames = new String[count];
        for (int i = 0; i < count; i++) {
            sortedAddresses[i] = addresses[order[i]];
            sortedNames[i] = names[order[i]];
        }
        return new Table(sortedAddresses, sortedNames);
    }
}
