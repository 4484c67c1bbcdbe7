package io.ebpf4j.link;

import io.ebpf4j.AttachType;
import io.ebpf4j.BpfCollection;
import io.ebpf4j.BpfMap;
import io.ebpf4j.BpfProgram;
import io.ebpf4j.CollectionSpec;
import io.ebpf4j.MapSpec;
import io.ebpf4j.MapType;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.ProgramSpec;
import io.ebpf4j.ProgramType;
import io.ebpf4j.TestPrograms;
import io.ebpf4j.asm.Helper;
import io.ebpf4j.asm.Instructions;
import io.ebpf4j.asm.JumpOp;
import io.ebpf4j.asm.Register;
import io.ebpf4j.asm.Size;
import io.ebpf4j.features.Features;
import io.ebpf4j.testing.Fixtures;
import io.ebpf4j.testing.KernelFeature;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@RequiresKernel(programTypes = ProgramType.TRACING, features = KernelFeature.BPF_LINK)
class IterLinkTest {

    /** iter/task: writes "t\n" for each task through bpf_seq_write and counts the tasks. */
    static Instructions taskLines(BpfMap counts) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.DW, Register.R6, Register.R1, 0) // ctx->meta
                .load(Size.DW, Register.R7, Register.R1, 8) // ctx->task
                .jumpIf(JumpOp.JEQ, Register.R7, 0, "out") // the final call has no task
                .load(Size.DW, Register.R1, Register.R6, 0) // meta->seq
                .storeImm(Size.H, Register.R10, -8, 't' | '\n' << 8)
                .mov64(Register.R2, Register.R10)
                .add64(Register.R2, -8)
                .mov64(Register.R3, 2)
                .call(Helper.SEQ_WRITE);
        Programs.increment(b, counts, 0);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    /** iter/bpf_map_elem: counts the elements (ctx->key is null on the final call). */
    static Instructions mapElements(BpfMap counts) {
        Instructions.Builder b = Instructions.builder()
                .load(Size.DW, Register.R7, Register.R1, 16) // ctx->key
                .jumpIf(JumpOp.JEQ, Register.R7, 0, "out");
        Programs.increment(b, counts, 0);
        return b.label("out").mov64(Register.R0, 0).exit().build();
    }

    @Test
    void anIteratorTheKernelRefusesIsNotSupportedNotAVerifierRejection() {
        // Whichever the kernel refuses, the refusal names the iterator and is no VerifierException.
        for (String target : List.of("task", "bpf_map_elem")) {
            try (BpfProgram program = iterator(target,
                    Instructions.builder().mov64(Register.R0, 0).exit().build())) {
                assertThat(Features.hasIterator(target)).as("probe agrees that %s loads", target).isTrue();
            } catch (NotSupportedException e) {
                assertThat(Features.hasIterator(target)).as("probe agrees that %s is refused", target).isFalse();
                assertThat(e.feature()).isEqualTo("iterator " + target);
                assertThat(e.getMessage()).contains("this kernel refuses iterator '" + target + "'");
            }
        }
    }

    static BpfProgram iterator(String target, Instructions instructions) {
        return TestPrograms.loadWithAttachBtfId(new ProgramSpec("iter_" + target.replace("bpf_", ""),
                ProgramType.TRACING, instructions).attachType(AttachType.TRACE_ITER).sectionName("iter/" + target),
                VmlinuxBtf.id("FUNC", "bpf_iter_" + target));
    }

    private static String readAll(IterLink link) throws IOException {
        try (InputStream in = link.open()) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.TASK_ITERATOR)
    void taskIteratorStreamsOneLinePerTask() throws Exception {
        try (BpfMap counts = Programs.counters(1); BpfProgram program = iterator("task", taskLines(counts));
                IterLink link = Links.iter(program)) {
            String first = readAll(link);
            long tasks = first.lines().count();
            assertThat(tasks).isGreaterThan(20); // this JVM alone has more threads
            assertThat(first).matches("(t\n)+");
            assertThat(Programs.read(counts, 0)).isEqualTo(tasks);
            assertThat(readAll(link)).isNotEmpty(); // each open is a new pass
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Iter("task", 0));
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.TASK_ITERATOR)
    void taskIteratorFromAnObjectPrintsPidAndCommandOfEveryTask() throws Exception {
        try (BpfCollection coll = BpfCollection.load(CollectionSpec.load(Fixtures.bytes("task_iter.bpf.o")));
                IterLink link = Links.iter(coll.program("dump_task"))) {
            List<String> lines = readAll(link).lines().toList();
            assertThat(lines).hasSize((int) coll.variable("tasks").getLong()).allMatch(l -> l.matches("\\d+ .*"));
            assertThat(lines).contains(ProcessHandle.current().pid() + " "
                    + Files.readString(Path.of("/proc/self/comm")).strip());
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.TASK_ITERATOR)
    void pinnedIteratorIsReopenedAsAnIterator() throws Exception {
        Path dir = Files.createDirectories(Path.of("/sys/fs/bpf", "ebpf4j-test-" + UUID.randomUUID()));
        String pin = dir.resolve("tasks").toString();
        try (BpfMap counts = Programs.counters(1); BpfProgram program = iterator("task", taskLines(counts))) {
            try (IterLink link = Links.iter(program)) {
                link.pin(pin);
            }
            try (BpfLink reopened = Links.loadPinned(pin)) {
                assertThat(reopened).isInstanceOf(IterLink.class);
                assertThat(readAll((IterLink) reopened)).startsWith("t\n");
                reopened.unpin();
            }
        } finally {
            Files.deleteIfExists(Path.of(pin));
            Files.delete(dir);
        }
    }

    @Test
    @RequiresKernel(features = KernelFeature.MAP_ELEMENT_ITERATOR)
    void mapElementIteratorVisitsEveryElement() throws Exception {
        try (BpfMap counts = Programs.counters(1);
                BpfMap hash = BpfMap.create(new MapSpec("elements", MapType.HASH).keySize(4).valueSize(4)
                        .maxEntries(16));
                BpfProgram program = iterator("bpf_map_elem", mapElements(counts));
                IterLink link = Links.iter(program, hash)) {
            for (int i = 0; i < 5; i++) {
                hash.put(new byte[] {(byte) i, 0, 0, 0}, new byte[4]);
            }
            assertThat(readAll(link)).isEmpty();
            assertThat(Programs.read(counts, 0)).isEqualTo(5);
            assertThat(link.info().target()).isEqualTo(new LinkInfo.Iter("bpf_map_elem", hash.info().id()));
        }
    }
}
