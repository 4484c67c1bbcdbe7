package io.ebpf4j.link;

import io.ebpf4j.BpfException;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.lang.ref.Reference;

/** Network interface names to indexes, in the calling thread's network namespace. */
final class Interfaces {
    private Interfaces() {}

    static int index(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/")) {
            throw new IllegalArgumentException("invalid network interface name '" + name + "'");
        }
        NativeBuffer text = new NativeBuffer(name.length() + 1);
        int index = LibC.if_nametoindex(text.putCString(name));
        Reference.reachabilityFence(text);
        if (index == 0) {
            throw new BpfException("no network interface '" + name + "' in this thread's network namespace (see"
                    + " `ip link`)", Errno.ENODEV);
        }
        return index;
    }
}
