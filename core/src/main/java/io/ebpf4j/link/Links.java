package io.ebpf4j.link;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.ProgramType;

import java.nio.channels.NetworkChannel;

/** Attaches programs to kernel hooks: one factory method per kind of hook. */
public final class Links {
    private Links() {}

    /**
     * Attaches a {@link ProgramType#SOCKET_FILTER} program to a socket ({@code SO_ATTACH_BPF}). The program sees
     * every packet the socket receives and returns how many bytes of it to keep (0 drops it).
     */
    public static BpfLink socketFilter(BpfProgram program, int socketFd) {
        requireType(program, ProgramType.SOCKET_FILTER, "socket filter");
        return new SocketFilterLink(program, socketFd);
    }

    /** {@link #socketFilter(BpfProgram, int)} for a bound Java channel. */
    public static BpfLink socketFilter(BpfProgram program, NetworkChannel channel) {
        return socketFilter(program, Sockets.fdOf(channel));
    }

    static void requireType(BpfProgram program, ProgramType expected, String hook) {
        if (program.type() != expected) {
            throw new IllegalArgumentException("program '" + program.name() + "' is a " + program.type()
                    + " program; a " + hook + " needs " + expected);
        }
    }
}
