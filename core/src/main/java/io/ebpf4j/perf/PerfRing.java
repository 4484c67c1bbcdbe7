package io.ebpf4j.perf;

import io.ebpf4j.BpfException;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.Fd;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.PerfEventAttr;
import io.ebpf4j.internal.sys.PerfEventMmapPage;

import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One CPU's {@code PERF_COUNT_SW_BPF_OUTPUT} event and the state of reading its ring. The ring is a metadata page
 * ({@code struct perf_event_mmap_page}) followed by a power-of-two data area that records wrap around (it is not
 * mapped twice, unlike a BPF ring buffer). Records are 8-byte aligned, so a record's 8-byte header and the u32
 * after it never wrap; only a sample's data can.
 */
final class PerfRing {
    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final int PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    private static final long PERF_FLAG_FD_CLOEXEC = 1 << 3;
    static final long IOC_PAUSE_OUTPUT = 0x40042409L; // _IOW('$', 9, __u32)

    final int cpu;
    final Fd event;
    ByteBuffer meta;
    ByteBuffer data;
    long mask;

    // Forward rings: data_tail as we last wrote it, and the data_head seen when the current batch started.
    long tail;
    long head;

    // Overwritable rings (written backwards, newest record first in memory): the records of the current pause lie
    // in [readPosition, readEnd); previousHead is data_head at the previous pause, where the older records begin.
    long readPosition;
    long readEnd;
    long previousHead;

    private PerfRing(int cpu, Fd event) {
        this.cpu = cpu;
        this.event = event;
    }

    /**
     * Opens the event of {@code cpu}.
     *
     * @return the ring, or {@code null} if the CPU is offline
     */
    static PerfRing open(int cpu, PerfReaderOptions options) {
        // PERF_ATTR_SIZE_VER5: every field used here is older.
        NativeBuffer attr = new NativeBuffer(PerfEventAttr.BYTES_VER5).clear(PerfEventAttr.BYTES_VER5);
        ByteBuffer a = attr.buffer();
        a.putInt(PerfEventAttr.TYPE, PERF_TYPE_SOFTWARE);
        a.putInt(PerfEventAttr.SIZE, PerfEventAttr.BYTES_VER5);
        a.putLong(PerfEventAttr.CONFIG, PERF_COUNT_SW_BPF_OUTPUT);
        a.putLong(PerfEventAttr.SAMPLE_PERIOD, 1); // every output is a sample
        a.putLong(PerfEventAttr.SAMPLE_TYPE, PERF_SAMPLE_RAW);
        long flags = options.overwritable() ? PerfEventAttr.WRITE_BACKWARD_BIT : 0;
        if (options.wakeupWatermark() > 0) {
            flags |= PerfEventAttr.WATERMARK_BIT;
            a.putInt(PerfEventAttr.WAKEUP_EVENTS, options.wakeupWatermark()); // wakeup_watermark, in its place
        } else {
            a.putInt(PerfEventAttr.WAKEUP_EVENTS, 1);
        }
        a.putLong(PerfEventAttr.DISABLED, flags);
        long fd = LibC.syscall(Arch.current().sysPerfEventOpen, attr.address(), -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
        if (fd < 0) {
            int errno = LibC.errno();
            if (errno == Errno.ENODEV) {
                return null;
            }
            throw Errors.of("perf_event_open(PERF_COUNT_SW_BPF_OUTPUT) on CPU " + cpu, errno,
                    "CAP_PERFMON or CAP_SYS_ADMIN");
        }
        return new PerfRing(cpu, Fd.own((int) fd, "perf event of CPU " + cpu));
    }

    /** Size in bytes of the mapping for a data area of at least {@code bytes}: 1 + 2^n pages. */
    static long mappingSize(int bytes, int page) {
        long pages = Math.max(1, ((long) bytes + page - 1) / page);
        long powerOfTwo = pages == 1 ? 1 : Long.highestOneBit(pages - 1) << 1;
        return (1 + powerOfTwo) * page;
    }

    /** Attaches the ring's memory, which starts with the metadata page; reads where the kernel put the data. */
    void attach(ByteBuffer ring, int page, boolean overwritable) {
        meta = ring.duplicate().order(ByteOrder.nativeOrder());
        long offset = meta.getLong(PerfEventMmapPage.DATA_OFFSET);
        long size = meta.getLong(PerfEventMmapPage.DATA_SIZE);
        if (size == 0) { // kernels before 4.1 leave these 0: the data follows the metadata page
            offset = page;
            size = ring.capacity() - page;
        }
        data = ring.slice((int) offset, (int) size).order(ByteOrder.nativeOrder());
        mask = size - 1;
        long start = loadHead();
        if (overwritable) {
            previousHead = start;
            readPosition = start;
            readEnd = start;
        } else {
            tail = meta.getLong(PerfEventMmapPage.DATA_TAIL);
            head = tail;
        }
    }

    // Acquire loads and release stores are plain buffer accesses next to VarHandle fences, as in the ring buffer
    // reader (io.ebpf4j.ringbuf.SharedRing explains why not byte-buffer view VarHandles).

    /** {@code data_head}, acquired: pairs with the kernel's update of it after writing the records before it. */
    long loadHead() {
        long position = meta.getLong(PerfEventMmapPage.DATA_HEAD);
        VarHandle.acquireFence();
        return position;
    }

    /** Hands the space up to {@code position} back to the kernel, after its records have been read (release). */
    void publishTail(long position) {
        tail = position;
        VarHandle.releaseFence();
        meta.putLong(PerfEventMmapPage.DATA_TAIL, position);
    }

    /** Freezes an overwritable ring's newest records for reading: those written since the previous pause. */
    void snapshotNewest() {
        long newest = loadHead();
        readPosition = newest;
        // Written backwards: head decreases. Older data beyond one ring's length has been overwritten.
        readEnd = previousHead - newest > data.capacity() ? newest + data.capacity() : previousHead;
        previousHead = newest;
    }

    void pauseOutput(boolean pause) {
        int raw = event.acquire();
        try {
            if (LibC.ioctl(raw, IOC_PAUSE_OUTPUT, pause ? 1 : 0) < 0) {
                int errno = LibC.errno();
                throw new BpfException((pause ? "pause" : "resume") + " output of " + event.description() + ": "
                        + Errno.describe(errno), errno);
            }
        } finally {
            event.release();
        }
    }
}
