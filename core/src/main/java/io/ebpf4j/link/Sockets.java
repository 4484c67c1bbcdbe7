package io.ebpf4j.link;

import io.ebpf4j.BpfException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Finds the file descriptor behind a Java socket channel without reflection into the JDK: the socket's inode is
 * looked up by its local port in {@code /proc/net/*}, then matched against this process's {@code /proc/self/fd}.
 */
public final class Sockets {
    private Sockets() {}

    /**
     * The descriptor number of a bound channel. It stays owned by the channel: it is valid while the channel is
     * open.
     */
    public static int fdOf(NetworkChannel channel) {
        SocketAddress local;
        try {
            local = channel.getLocalAddress();
        } catch (IOException e) {
            throw new BpfException("cannot read the local address of " + channel + ": " + e.getMessage(), e);
        }
        if (!(local instanceof InetSocketAddress)) {
            throw new BpfException("the channel must be bound to an IP address to find its descriptor: " + channel);
        }
        int port = ((InetSocketAddress) local).getPort();
        String protocol = channel instanceof DatagramChannel ? "udp" : "tcp";
        Set<Long> inodes = new HashSet<>();
        inodes.addAll(inodesWithLocalPort("/proc/self/net/" + protocol, port));
        inodes.addAll(inodesWithLocalPort("/proc/self/net/" + protocol + "6", port));
        Integer found = null;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    continue; // closed while listing
                }
                if (target.startsWith("socket:[") && inodes.contains(Long.parseLong(
                        target.substring(8, target.length() - 1)))) {
                    if (found != null) {
                        throw new BpfException("several descriptors of this process use " + protocol + " port "
                                + port + "; cannot tell which belongs to " + channel);
                    }
                    found = Integer.parseInt(fd.getFileName().toString());
                }
            }
        } catch (IOException e) {
            throw new BpfException("cannot list /proc/self/fd: " + e.getMessage(), e);
        }
        if (found == null) {
            throw new BpfException("no descriptor of this process is the " + protocol + " socket on port " + port);
        }
        return found;
    }

    private static Set<Long> inodesWithLocalPort(String table, int port) {
        Set<Long> inodes = new HashSet<>();
        String portHex = String.format(Locale.ROOT, ":%04X", port);
        try {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 9 && fields[1].endsWith(portHex)) {
                    inodes.add(Long.parseLong(fields[9]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return inodes; // table absent (e.g. no IPv6): nothing there
        }
        return inodes;
    }
}
