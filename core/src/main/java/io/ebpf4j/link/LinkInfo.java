package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BpfLinkInfo;
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
        NativeBuffer info = new NativeBuffer(BpfLinkInfo.BYTES);
        query(linkFd, info);
        ByteBuffer b = info.buffer();
        LinkType type = LinkType.of(b.getInt(BpfLinkInfo.TYPE));
        int id = b.getInt(BpfLinkInfo.ID);
        int programId = b.getInt(BpfLinkInfo.PROG_ID);
        Target target;
        switch (type) {
            case RAW_TRACEPOINT: {
                String name = string(linkFd, info, BpfLinkInfo.RawTracepoint.TP_NAME,
                        BpfLinkInfo.RawTracepoint.TP_NAME_LEN);
                target = new RawTracepoint(name, b.getLong(BpfLinkInfo.RawTracepoint.COOKIE));
                break;
            }
            case TRACING:
                target = new Tracing(attachType(b.getInt(BpfLinkInfo.Tracing.ATTACH_TYPE)),
                        b.getInt(BpfLinkInfo.Tracing.TARGET_OBJ_ID), b.getInt(BpfLinkInfo.Tracing.TARGET_BTF_ID),
                        b.getLong(BpfLinkInfo.Tracing.COOKIE));
                break;
            case CGROUP:
                target = new Cgroup(b.getLong(BpfLinkInfo.Cgroup.CGROUP_ID),
                        attachType(b.getInt(BpfLinkInfo.Cgroup.ATTACH_TYPE)));
                break;
            case ITER: {
                int mapId = b.getInt(BpfLinkInfo.Iter.MAP_ID);
                target = new Iter(string(linkFd, info, BpfLinkInfo.Iter.TARGET_NAME, BpfLinkInfo.Iter.TARGET_NAME_LEN),
                        mapId);
                break;
            }
            case NETNS:
                target = new Netns(Integer.toUnsignedLong(b.getInt(BpfLinkInfo.Netns.NETNS_INO)),
                        attachType(b.getInt(BpfLinkInfo.Netns.ATTACH_TYPE)));
                break;
            case XDP:
                target = new Xdp(b.getInt(BpfLinkInfo.Xdp.IFINDEX));
                break;
            case STRUCT_OPS:
                target = new StructOps(b.getInt(BpfLinkInfo.StructOps.MAP_ID));
                break;
            case NETFILTER:
                target = new Netfilter(b.getInt(BpfLinkInfo.Netfilter.PF), b.getInt(BpfLinkInfo.Netfilter.HOOKNUM),
                        b.getInt(BpfLinkInfo.Netfilter.PRIORITY), b.getInt(BpfLinkInfo.Netfilter.FLAGS));
                break;
            case TCX:
                target = new Tcx(b.getInt(BpfLinkInfo.Tcx.IFINDEX), attachType(b.getInt(BpfLinkInfo.Tcx.ATTACH_TYPE)));
                break;
            case KPROBE_MULTI:
                target = new KprobeMulti(b.getInt(BpfLinkInfo.KprobeMulti.COUNT),
                        (b.getInt(BpfLinkInfo.KprobeMulti.FLAGS) & F_RETURN) != 0,
                        b.getLong(BpfLinkInfo.KprobeMulti.MISSED));
                break;
            case UPROBE_MULTI: {
                int count = b.getInt(BpfLinkInfo.UprobeMulti.COUNT);
                int flags = b.getInt(BpfLinkInfo.UprobeMulti.FLAGS);
                int pid = b.getInt(BpfLinkInfo.UprobeMulti.PID);
                target = new UprobeMulti(string(linkFd, info, BpfLinkInfo.UprobeMulti.PATH,
                        BpfLinkInfo.UprobeMulti.PATH_SIZE), count, (flags & F_RETURN) != 0, pid);
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
        int perfType = b.getInt(BpfLinkInfo.PerfEvent.TYPE);
        switch (perfType) {
            case PERF_EVENT_TRACEPOINT: {
                String name = string(linkFd, info, BpfLinkInfo.PerfEvent.Tracepoint.TP_NAME,
                        BpfLinkInfo.PerfEvent.Tracepoint.NAME_LEN);
                return new PerfTracepoint(name, b.getLong(BpfLinkInfo.PerfEvent.Tracepoint.COOKIE));
            }
            case PERF_EVENT_KPROBE:
            case PERF_EVENT_KRETPROBE: {
                String function = string(linkFd, info, BpfLinkInfo.PerfEvent.Kprobe.FUNC_NAME,
                        BpfLinkInfo.PerfEvent.Kprobe.NAME_LEN);
                return new PerfKprobe(function, Integer.toUnsignedLong(b.getInt(BpfLinkInfo.PerfEvent.Kprobe.OFFSET)),
                        b.getLong(BpfLinkInfo.PerfEvent.Kprobe.ADDR), perfType == PERF_EVENT_KRETPROBE,
                        b.getLong(BpfLinkInfo.PerfEvent.Kprobe.MISSED), b.getLong(BpfLinkInfo.PerfEvent.Kprobe.COOKIE));
            }
            case PERF_EVENT_UPROBE:
            case PERF_EVENT_URETPROBE: {
                String path = string(linkFd, info, BpfLinkInfo.PerfEvent.Uprobe.FILE_NAME,
                        BpfLinkInfo.PerfEvent.Uprobe.NAME_LEN);
                return new PerfUprobe(path, Integer.toUnsignedLong(b.getInt(BpfLinkInfo.PerfEvent.Uprobe.OFFSET)),
                        b.getLong(BpfLinkInfo.PerfEvent.Uprobe.REF_CTR_OFFSET), perfType == PERF_EVENT_URETPROBE,
                        b.getLong(BpfLinkInfo.PerfEvent.Uprobe.COOKIE));
            }
            case PERF_EVENT_EVENT:
                return new PerfCounter(b.getInt(BpfLinkInfo.PerfEvent.Event.TYPE),
                        b.getLong(BpfLinkInfo.PerfEvent.Event.CONFIG), b.getLong(BpfLinkInfo.PerfEvent.Event.COOKIE));
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
        info.clear(BpfLinkInfo.BYTES);
        info.buffer().putLong(pointerOffset, name.address());
        info.buffer().putInt(lengthOffset, NAME_SIZE);
        query(linkFd, info);
        return name.getCString(0, NAME_SIZE);
    }

    private static void query(int linkFd, NativeBuffer info) {
        int r = Bpf.objInfoPrepared(linkFd, info, BpfLinkInfo.BYTES);
        if (r < 0) {
            throw Errors.of("get info of link (fd " + linkFd + ")", -r, "CAP_BPF");
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
