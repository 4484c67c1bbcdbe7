package io.ebpf4j;

import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.JumpOp;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.link.BpfLink;
import io.ebpf4j.link.Links;
import io.ebpf4j.internal.sys.Arch;
import io.ebpf4j.internal.sys.LibC;
import io.ebpf4j.testing.FdCount;
import io.ebpf4j.testing.KernelThreads;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@RequiresKernel(programTypes = ProgramType.SOCKET_FILTER)
class BpfProgramTest {
    private static final int SIGPIPE = 13;
    private static final long TGKILL = Arch.current() == Arch.X86_64 ? 234 : 131;

    /** counts[0] += 1, then keep the whole packet. */
    static Instructions countingFilter(BpfMap counts) {
        return Instructions.builder()
                .storeImm(Size.W, Register.R10, -4, 0)
                .mov64(Register.R2, Register.R10)
                .add64(Register.R2, -4)
                .loadMapFd(Register.R1, counts.fd())
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(JumpOp.JEQ, Register.R0, 0, "out")
                .mov64(Register.R1, 1)
                .atomicAdd(Size.DW, Register.R0, 0, Register.R1)
                .label("out")
                .mov64(Register.R0, -1)
                .exit()
                .build();
    }

    static BpfMap counter() {
        return BpfMap.create(new MapSpec("counts", MapType.ARRAY).keySize(4).valueSize(8).maxEntries(1));
    }

    static long count(BpfMap counts) {
        return ByteBuffer.wrap(counts.lookup(new byte[4]).orElseThrow()).order(ByteOrder.nativeOrder()).getLong();
    }

    @Test
    void assembledProgramCountsInTestRun() {
        try (BpfMap counts = counter();
                BpfProgram prog = BpfProgram.load(new ProgramSpec("count", ProgramType.SOCKET_FILTER,
                        countingFilter(counts)))) {
            byte[] packet = new byte[64];
            TestRun.Result result = prog.testRun(TestRun.of(packet).withRepeat(5));
            assertThat(result.returnValue()).isEqualTo(-1); // the program keeps the whole packet
            assertThat(count(counts)).isEqualTo(5);

            ProgramInfo info = prog.info();
            assertThat(info.name()).isEqualTo("count");
            assertThat(info.type()).isEqualTo(ProgramType.SOCKET_FILTER);
            assertThat(info.mapIds()).containsExactly(counts.info().id());
            assertThat(info.tag()).hasSize(16);
            assertThat(info.verifiedInstructions()).isPositive();
            // 11 instructions, one an ld_imm64; the kernel may inline the array lookup and grow it
            assertThat(info.translatedSize()).isGreaterThanOrEqualTo(12 * 8);
        }
    }

    @Test
    void socketFilterCountsExactlyThePacketsSent() throws Exception {
        try (BpfMap counts = counter();
                BpfProgram prog = BpfProgram.load(new ProgramSpec("count", ProgramType.SOCKET_FILTER,
                        countingFilter(counts)));
                DatagramChannel receiver = DatagramChannel.open();
                DatagramChannel sender = DatagramChannel.open()) {
            receiver.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (BpfLink link = Links.socketFilter(prog, receiver)) {
                assertThat(link.description()).contains("socket filter 'count'");
                for (int i = 0; i < 3; i++) {
                    sender.send(ByteBuffer.wrap(("packet " + i).getBytes()), receiver.getLocalAddress());
                }
                ByteBuffer buffer = ByteBuffer.allocate(64);
                for (int i = 0; i < 3; i++) {
                    buffer.clear();
                    receiver.receive(buffer);
                    assertThat(buffer.position()).isEqualTo(8);
                }
                assertThat(count(counts)).isEqualTo(3);
            }
            // Detached: more packets do not count.
            sender.send(ByteBuffer.wrap("after".getBytes()), receiver.getLocalAddress());
            receiver.receive(ByteBuffer.allocate(64));
            assertThat(count(counts)).isEqualTo(3);
        }
    }

    @Test
    void verifierRejectionNamesTheFailingInstruction() {
        Instructions readsUninitialized = Instructions.builder()
                .mov64(Register.R0, Register.R5) // R5 was never written
                .exit()
                .build();
        assertThatThrownBy(() -> BpfProgram.load(new ProgramSpec("broken", ProgramType.SOCKET_FILTER,
                readsUninitialized)))
                .isInstanceOfSatisfying(VerifierException.class, e -> {
                    assertThat(e.program()).isEqualTo("broken");
                    assertThat(e.log()).contains("R5 !read_ok");
                    assertThat(e.failingInstruction()).contains("r0 = r5");
                    assertThat(e.getMessage()).contains("verifier rejected program 'broken'")
                            .contains("r0 = r5").contains("R5 !read_ok");
                });
    }

    @Test
    void bigVerifierLogsGrowTheBuffer() {
        Instructions.Builder b = Instructions.builder().mov64(Register.R0, 0);
        for (int i = 0; i < 2000; i++) {
            b.add64(Register.R0, 1);
        }
        Instructions program = b.mov64(Register.R0, Register.R7).exit().build();
        ProgramOptions tiny = ProgramOptions.defaults().withLogSize(256).withLogLevel(2);
        assertThatThrownBy(() -> BpfProgram.load(new ProgramSpec("long", ProgramType.SOCKET_FILTER, program), tiny))
                .isInstanceOfSatisfying(VerifierException.class, e -> {
                    assertThat(e.truncated()).isFalse();
                    assertThat(e.log().length()).isGreaterThan(256);
                    assertThat(e.log()).contains("R7 !read_ok");
                });
    }

    /**
     * The verifier stops with EAGAIN when a signal is pending for the loading thread (sampling profilers
     * send them): the load is tried again, as libbpf does, instead of failing. Once the loading thread has spent
     * 20 ms in the kernel (verifying: nothing else it does there takes that long), three SIGPIPEs (which the JVM
     * handles and ignores) arrive 5 ms apart; each stops at most one attempt.
     */
    @Test
    void signalsDuringVerificationDoNotFailTheLoad() throws Exception {
        try (BpfProgram program = loadUnderSignals(3)) {
            assertThat(program.info().type()).isEqualTo(ProgramType.SOCKET_FILTER);
        }
    }

    /** Signals that never stop fail the load with what happened, not as a verifier verdict. */
    @Test
    void signalsOnEveryAttemptFailTheLoadSayingSo() {
        assertThatThrownBy(() -> loadUnderSignals(Integer.MAX_VALUE).close())
                .isExactlyInstanceOf(BpfException.class)
                .hasMessageContaining("interrupted by a signal")
                .hasMessageContaining("EAGAIN");
    }

    /** Loads a long program while {@code signals} SIGPIPEs arrive, 5 ms apart, once verification has begun. */
    private static BpfProgram loadUnderSignals(int signals) throws Exception {
        Instructions.Builder b = Instructions.builder().mov64(Register.R0, 0);
        for (int i = 0; i < 200_000; i++) {
            b.add64(Register.R0, 1);
        }
        ProgramSpec spec = new ProgramSpec("long", ProgramType.SOCKET_FILTER, b.exit().build());
        long loader = KernelThreads.currentThreadId();
        AtomicBoolean loaded = new AtomicBoolean();
        Thread signaller = new Thread(() -> {
            try {
                long kernelTicks = KernelThreads.kernelTicks(loader);
                while (KernelThreads.kernelTicks(loader) < kernelTicks + 2 && !loaded.get()) {
                    Thread.sleep(1);
                }
                for (int i = 0; i < signals && !loaded.get(); i++) {
                    LibC.syscall(TGKILL, ProcessHandle.current().pid(), loader, SIGPIPE, 0, 0);
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        signaller.start();
        try {
            return BpfProgram.load(spec);
        } finally {
            loaded.set(true);
            signaller.join();
        }
    }

    @Test
    void runStatisticsAreCountedWhileEnabled() {
        try (BpfMap counts = counter();
                BpfProgram prog = BpfProgram.load(new ProgramSpec("stats", ProgramType.SOCKET_FILTER,
                        countingFilter(counts)))) {
            long before = prog.info().runCount();
            try (BpfStats stats = BpfStats.enable()) {
                prog.testRun(TestRun.of(new byte[64]).withRepeat(10));
            }
            assertThat(prog.info().runCount() - before).isGreaterThanOrEqualTo(10);
        }
    }

    @Test
    void pinnedProgramIsReopenedByPathAndId() throws Exception {
        Path dir = Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID());
        Files.createDirectories(dir);
        String path = dir.resolve("prog").toString();
        try (BpfMap counts = counter();
                BpfProgram prog = BpfProgram.load(new ProgramSpec("pinned", ProgramType.SOCKET_FILTER,
                        countingFilter(counts)))) {
            prog.pin(path);
            int id = prog.info().id();
            try (BpfProgram byPath = BpfProgram.loadPinned(path); BpfProgram byId = BpfProgram.fromId(id)) {
                assertThat(byPath.info().id()).isEqualTo(id);
                assertThat(byId.name()).isEqualTo("pinned");
                assertThat(byPath.type()).isEqualTo(ProgramType.SOCKET_FILTER);
                byPath.testRun(TestRun.of(new byte[16]));
                assertThat(count(counts)).isEqualTo(1);
            }
            prog.unpin();
            assertThat(Files.exists(Path.of(path))).isFalse();
        } finally {
            Files.deleteIfExists(Path.of(path));
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void malformedProgramsAreRejectedBeforeAnySyscall() {
        assertThatThrownBy(() -> BpfProgram.load(new ProgramSpec("empty", ProgramType.SOCKET_FILTER,
                Instructions.builder().build()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no instructions");
        Instructions referencesMap = Instructions.builder()
                .loadMapReference(Register.R1, "counts").mov64(Register.R0, 0).exit().build();
        assertThatThrownBy(() -> BpfProgram.load(new ProgramSpec("unresolved", ProgramType.SOCKET_FILTER,
                referencesMap))).isInstanceOf(BpfException.class).hasMessageContaining("counts")
                .hasMessageContaining("BpfCollection");
    }

    @Test
    void noDescriptorLeaksAcrossLoadCloseAndFailures() {
        try (BpfMap counts = counter()) {
            ProgramSpec good = new ProgramSpec("cycle", ProgramType.SOCKET_FILTER, countingFilter(counts));
            ProgramSpec bad = new ProgramSpec("bad", ProgramType.SOCKET_FILTER,
                    Instructions.builder().mov64(Register.R0, Register.R3).exit().build());
            BpfProgram.load(good).close();
            assertThatThrownBy(() -> BpfProgram.load(bad)).isInstanceOf(VerifierException.class);
            FdCount.Snapshot before = FdCount.snapshot();
            for (int i = 0; i < 1000; i++) {
                BpfProgram.load(good).close();
            }
            for (int i = 0; i < 100; i++) {
                assertThatThrownBy(() -> BpfProgram.load(bad)).isInstanceOf(VerifierException.class);
            }
            assertThat(before.openedSince()).isEmpty();
        }
    }
}
