package io.ebpf4j.link;

import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fresh network namespace joined to this one by a veth pair, so that network hooks are tested without touching
 * the machine's interfaces: {@link #hostInterface()} ({@link #hostAddress}) stays here, {@link #innerInterface()}
 * ({@link #innerAddress}) is in the namespace. {@link #inside} runs code on a thread that joined the namespace:
 * interface names resolve, sockets open and netfilter hooks attach there. Everything is deleted on close.
 */
final class TestNetwork implements AutoCloseable {
    /** UDP payload size the tests send: frames of 14 + 20 + 8 + 77 = 119 bytes, IP packets of 105. */
    static final int PAYLOAD = 77;
    static final int FRAME_LENGTH = 14 + 20 + 8 + PAYLOAD;
    static final int PORT = 4242;

    final String name;
    final String hostAddress;
    final String innerAddress;
    private final String host;
    private final String inner;
    private final ExecutorService insideThread;

    private TestNetwork(String id, int subnet) {
        this.name = "ebpf4j-" + id;
        this.host = "e4jh" + id;
        this.inner = "e4jn" + id;
        this.hostAddress = "10.231." + subnet + ".1";
        this.innerAddress = "10.231." + subnet + ".2";
        this.insideThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "in netns " + name));
    }

    static TestNetwork create() {
        String id = UUID.randomUUID().toString().substring(0, 6);
        TestNetwork network = new TestNetwork(id, Integer.parseInt(id.substring(0, 2), 16));
        try {
            network.setUp();
            return network;
        } catch (RuntimeException e) {
            network.close();
            throw e;
        }
    }

    private void setUp() {
        ip("netns", "add", name);
        ip("link", "add", host, "type", "veth", "peer", "name", inner);
        ip("link", "set", inner, "netns", name);
        ip("addr", "add", hostAddress + "/24", "dev", host);
        ip("link", "set", host, "up");
        ip("-n", name, "addr", "add", innerAddress + "/24", "dev", inner);
        ip("-n", name, "link", "set", inner, "up");
        ip("-n", name, "link", "set", "lo", "up");
        // Join the namespace with the thread that runs inside(): it stays there until close.
        inside(() -> {
            Path file = namespaceFile();
            NativeBuffer path = new NativeBuffer(256);
            int fd = LibC.open(path.putCString(file.toString()), LibC.O_RDONLY | LibC.O_CLOEXEC, 0);
            java.lang.ref.Reference.reachabilityFence(path);
            if (fd < 0 || LibC.setns(fd, LibC.CLONE_NEWNET) != 0) {
                throw new IllegalStateException("cannot join " + file + ": " + Errno.describe(LibC.errno()));
            }
            LibC.close(fd);
            return null;
        });
    }


    /** The network namespace file, for {@link Links#netns}. */
    Path namespaceFile() {
        return Path.of("/var/run/netns", name);
    }

    /** The veth end in this (the test's) namespace. */
    String hostInterface() {
        return host;
    }

    /** The veth end inside the test namespace. */
    String innerInterface() {
        return inner;
    }

    /** Runs {@code action} on the thread that lives in the test namespace. */
    <T> T inside(Callable<T> action) {
        try {
            return insideThread.submit(action).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException) {
                throw (RuntimeException) e.getCause();
            }
            if (e.getCause() instanceof Error) {
                throw (Error) e.getCause();
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What {@code command} (e.g. {@code tc filter show ...}) prints when run inside the namespace. */
    String show(String... command) {
        List<String> full = new java.util.ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code count} datagrams of {@link #PAYLOAD} bytes from here to the inner address. */
    void sendInward(int count) throws IOException {
        try (DatagramChannel channel = DatagramChannel.open()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(innerAddress), PORT);
            for (int i = 0; i < count; i++) {
                channel.send(ByteBuffer.wrap(new byte[PAYLOAD]), to);
            }
        }
    }

    /** Sends {@code count} datagrams of {@link #PAYLOAD} bytes from inside the namespace to the host address. */
    void sendOutward(int count) {
        inside(() -> {
            try (DatagramChannel channel = DatagramChannel.open()) {
                InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(hostAddress), PORT);
                for (int i = 0; i < count; i++) {
                    channel.send(ByteBuffer.wrap(new byte[PAYLOAD]), to);
                }
            }
            return null;
        });
    }

    /**
     * Gives the kernel time to deliver what was sent (veth delivery is asynchronous, through the backlog), before
     * checking that something did <em>not</em> happen.
     */
    static void settle() throws InterruptedException {
        Thread.sleep(100);
    }

    @Override
    public void close() {
        insideThread.shutdownNow();
        runQuietly(List.of("ip", "link", "del", host));
        runQuietly(List.of("ip", "netns", "del", name));
    }

    private static void ip(String... arguments) {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        String output = run(command);
        if (output != null) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void runQuietly(List<String> command) {
        run(command);
    }

    /** Runs a command: null on success, else its output. */
    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor() == 0 ? null : output;
        } catch (IOException e) {
            return e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
