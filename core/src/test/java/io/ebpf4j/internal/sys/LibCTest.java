package io.ebpf4j.internal.sys;

import io.ebpf4j.BpfMap;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The way into libc: java.lang.foreign on Java 22+ unless JNA is asked for, and errno as the call left it. */
class LibCTest {

    @Test
    void foreignCallsOnJava22AndLaterUnlessJnaIsAskedFor() {
        boolean expected = Runtime.version().feature() >= 22
                && !"jna".equals(System.getProperty("ebpf4j.nativeAccess"));
        assertThat(LibC.FOREIGN).isEqualTo(expected);
    }

    @Test
    void errnoIsTheFailedCallsOwn() {
        assertThat(LibC.close(-1)).isEqualTo(-1);
        assertThat(LibC.errno()).isEqualTo(Errno.EBADF);
        assertThat(LibC.fcntl(-1, LibC.F_DUPFD_CLOEXEC, 3)).isEqualTo(-1);
        assertThat(LibC.errno()).isEqualTo(Errno.EBADF);
        assertThat(LibC.getpid()).isEqualTo((int) ProcessHandle.current().pid());
    }

    @Test
    void errnoIsPerThread() throws Exception {
        assertThat(LibC.close(-1)).isEqualTo(-1);
        Thread other = new Thread(() -> LibC.socket(-1, 0, 0)); // EAFNOSUPPORT on that thread only
        other.start();
        other.join();
        assertThat(LibC.errno()).isEqualTo(Errno.EBADF);
    }

    @Test
    @RequiresKernel
    void quickSyscallsReportTheirErrnoToo() {
        try (BpfMap map = BpfMap.create(new MapSpec("quick", MapType.HASH).keySize(4).valueSize(4).maxEntries(1))) {
            Scratch s = Scratch.get();
            int raw = Descriptors.of(map).acquire();
            try {
                assertThat(Bpf.element(s, Bpf.MAP_LOOKUP_ELEM, raw, s.key.address(), s.value.address(), 0))
                        .isEqualTo(-Errno.ENOENT);
                assertThat(Bpf.element(s, Bpf.MAP_UPDATE_ELEM, raw, s.key.address(), s.value.address(), 0))
                        .isZero();
            } finally {
                Descriptors.of(map).release();
            }
        }
    }
}
