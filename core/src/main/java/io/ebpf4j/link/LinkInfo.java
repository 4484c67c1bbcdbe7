package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.NativeBuffer;

import java.nio.ByteBuffer;

/**
 * What the kernel reports about a link ({@code struct bpf_link_info}): its id, type, the id of the attached program
 * and the hook it is attached to.
 *
 * @param id the link's kernel id
 * @param type the kind of link
 * @param programId the id of the link's program
 * @param target where the program is attached; {@link Unknown} for link types this library does not decode
 */
public record LinkInfo(int id, LinkType type, int programId, Target target) {

    /** The type-specific part of a link's info: the hook it is attached to. */
    public sealed interface Target permits RawTracepoint, Tracing, Cgroup, Iter, Netns, Xdp, StructOps, Netfilter,
            Tcx, KprobeMulti, UprobeMulti, PerfTracepoint, PerfKprobe, PerfUprobe, PerfCounter, Unknown {
    }

    /** A raw tracepoint (also a BTF-enabled one attached by name). */
    public record RawTracepoint(String name, long cookie) implements Target {}

    /**
     * A tracing program (fentry, fexit, fmod_ret, freplace, tp_btf, lsm) attached to a BTF target.
     *
     * @param targetObjectId the BTF object id of the target (the target program's id for freplace)
     * @param targetBtfId the BTF type id of the target function or tracepoint in that object
     */
    public record Tracing(AttachType attachType, int targetObjectId, int targetBtfId, long cookie) implements Target {}

    /** A cgroup hook; {@code cgroupId} is the inode number of the cgroup directory. */
    public record Cgroup(long cgroupId, AttachType attachType) implements Target {}

    /** A BPF iterator, e.g. {@code task} or {@code bpf_map_elem}; {@code mapId} is 0 for iterators without a map. */
    public record Iter(String targetName, int mapId) implements Target {}

    /** A network namespace hook (sk_lookup, flow dissector); {@code netnsInode} identifies the namespace. */
    public record Netns(long netnsInode, AttachType attachType) implements Target {}

    /** XDP on the network interface {@code ifindex}. */
    public record Xdp(int ifindex) implements Target {}

    /** A registered struct_ops map. */
    public record StructOps(int mapId) implements Target {}

    /** A netfilter hook. */
    public record Netfilter(int protocolFamily, int hook, int priority, int flags) implements Target {}

    /** TCX ingress or egress on the network interface {@code ifindex}. */
    public record Tcx(int ifindex, AttachType attachType) implements Target {}

    /** A kprobe_multi link over {@code count} kernel functions. */
    public record KprobeMulti(int count, boolean retprobe, long missed) implements Target {}

    /** A uprobe_multi link over {@code count} locations in {@code path}; {@code pid} 0 means every process. */
    public record UprobeMulti(String path, int count, boolean retprobe, int pid) implements Target {}

    /** A perf event link on a tracepoint ({@code group:name} or the kernel's name for it). */
    public record PerfTracepoint(String name, long cookie) implements Target {}

    /** A perf event link on a kprobe or kretprobe. */
    public record PerfKprobe(String function, long offset, long address, boolean retprobe, long missed, long cookie)
            implements Target {}

    /** A perf event link on a uprobe or uretprobe; {@code offset} is the file offset in {@code path}. */
    public record PerfUprobe(String path, long offset, long refCounterOffset, boolean retprobe, long cookie)
            implements Target {}

    /**
     * A perf event link on a hardware or software counter: {@code config} as opened, {@code type} the number of the
     * PMU that serves it (which may differ from the type asked for: recent kernels serve the software CPU clock
     * from a PMU of its own).
     */
    public record PerfCounter(int type, long config, long cookie) implements Target {}

    /** A link type this library does not decode (or a perf event link on a kernel that reports no details). */
    public record Unknown() implements Target {}

    // struct bpf_link_info: common header, then a union at offset 16.
    private static final int INFO_SIZE = 96;
    private static final int UNION = 16;
    private static final int NAME_SIZE = 4096;

    private static final int PERF_EVENT_UPROBE = 1;
    private static final int PERF_EVENT_URETPROBE = 2;
    private static final int PERF_EVENT_KPROBE = 3;
    private static final int PERF_EVENT_KRETPROBE = 4;
    private static final int PERF_EVENT_TRACEPOINT = 5;
    private static final int PERF_EVENT_EVENT = 6;
    private static final int F_RETURN = 1;

    /** Reads the info of the link behind the raw descriptor {@code linkFd} (held by the caller). */
    static LinkInfo read(int linkFd) {
        NativeBuffer info = new NativeBuffer(INFO_SIZE);
        query(linkFd, info);
        ByteBuffer b = info.buffer();
        LinkType type = LinkType.of(b.getInt(0));
        int id = b.getInt(4);
        int programId = b.getInt(8);
        Target target;
        switch (type) {
            case RAW_TRACEPOINT: {
                String name = string(linkFd, info, UNION, UNION + 8);
                target = new RawTracepoint(name, b.getLong(UNION + 16));
                break;
            }
            case TRACING:
                target = new Tracing(attachType(b.getInt(UNION)), b.getInt(UNION + 4), b.getInt(UNION + 8),
                        b.getLong(UNION + 16));
                break;
            case CGROUP:
                target = new Cgroup(b.getLong(UNION), attachType(b.getInt(UNION + 8)));
                break;
            case ITER: {
                int mapId = b.getInt(UNION + 12);
                target = new Iter(string(linkFd, info, UNION, UNION + 8), mapId);
                break;
            }
            case NETNS:
                target = new Netns(Integer.toUnsignedLong(b.getInt(UNION)), attachType(b.getInt(UNION + 4)));
                break;
            case XDP:
                target = new Xdp(b.getInt(UNION));
                break;
            case STRUCT_OPS:
                target = new StructOps(b.getInt(UNION));
                break;
            case NETFILTER:
                target = new Netfilter(b.getInt(UNION), b.getInt(UNION + 4), b.getInt(UNION + 8),
                        b.getInt(UNION + 12));
                break;
            case TCX:
                target = new Tcx(b.getInt(UNION), attachType(b.getInt(UNION + 4)));
                break;
            case KPROBE_MULTI:
                target = new KprobeMulti(b.getInt(UNION + 8), (b.getInt(UNION + 12) & F_RETURN) != 0,
                        b.getLong(UNION + 16));
                break;
            case UPROBE_MULTI: {
                int count = b.getInt(UNION + 36);
                int flags = b.getInt(UNION + 40);
                int pid = b.getInt(UNION + 44);
                target = new UprobeMulti(string(linkFd, info, UNION, UNION + 32), count, (flags & F_RETURN) != 0,
                        pid);
                break;
            }
            case PERF_EVENT:
                target = perfEvent(linkFd, info);
                break;
            default:
                target = new Unknown();
        }
        return new LinkInfo(id, type, programId, target);
    }

    private static Target perfEvent(int linkFd, NativeBuffer info) {
        ByteBuffer b = info.buffer();
        int perfType = b.getInt(UNION);
        int details = UNION + 8;
        switch (perfType) {
            case PERF_EVENT_TRACEPOINT: {
                String name = string(linkFd, info, details, details + 8);
                return new PerfTracepoint(name, b.getLong(details + 16));
            }
            case PERF_EVENT_KPROBE:
            case PERF_EVENT_KRETPROBE: {
                String function = string(linkFd, info, details, details + 8);
                return new PerfKprobe(function, Integer.toUnsignedLong(b.getInt(details + 12)), b.getLong(details + 16),
                        perfType == PERF_EVENT_KRETPROBE, b.getLong(details + 24), b.getLong(details + 32));
            }
            case PERF_EVENT_UPROBE:
            case PERF_EVENT_URETPROBE: {
                String path = string(linkFd, info, details, details + 8);
                return new PerfUprobe(path, Integer.toUnsignedLong(b.getInt(details + 12)), b.getLong(details + 24),
                        perfType == PERF_EVENT_URETPROBE, b.getLong(details + 16));
            }
            case PERF_EVENT_EVENT:
                return new PerfCounter(b.getInt(details + 8), b.getLong(details), b.getLong(details + 16));
            default:
                return new Unknown();
        }
    }

    /**
     * Queries the info again with a buffer for the string whose pointer and length fields are at the given offsets
     * (the kernel only copies strings out when given room for them), and returns that string. Leaves the rest of
     * the refreshed info in {@code info}.
     */
    private static String string(int linkFd, NativeBuffer info, int pointerOffset, int lengthOffset) {
        NativeBuffer name = new NativeBuffer(NAME_SIZE);
        info.clear(INFO_SIZE);
        info.buffer().putLong(pointerOffset, name.address());
        info.buffer().putInt(lengthOffset, NAME_SIZE);
        query(linkFd, info);
        return name.getCString(0, NAME_SIZE);
    }

    private static void query(int linkFd, NativeBuffer info) {
        NativeBuffer attr = new NativeBuffer(16);
        attr.buffer().putInt(0, linkFd);
        attr.buffer().putInt(4, INFO_SIZE);
        attr.buffer().putLong(8, info.address());
        long r = Bpf.call(Bpf.OBJ_GET_INFO_BY_FD, attr, 16);
        if (r < 0) {
            throw Errors.of("get info of link (fd " + linkFd + ")", (int) -r, "CAP_BPF");
        }
    }

    /** Attach types reported by a kernel newer than this library map to {@link AttachType#NONE}. */
    static AttachType attachType(int value) {
        try {
            return AttachType.of(value);
        } catch (IllegalArgumentException e) {
            return AttachType.NONE;
        }
    }
}
