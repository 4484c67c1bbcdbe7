package io.ebpf4j.asm;

import static io.ebpf4j.asm.Register.R0;
import static io.ebpf4j.asm.Register.R1;
import static io.ebpf4j.asm.Register.R10;
import static io.ebpf4j.asm.Register.R2;
import static io.ebpf4j.asm.Register.R6;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * A whole program compiled by clang 14 ({@code clang -O2 -target bpfel|bpfeb -mcpu=v3 -c}) from
 *
 * <pre>
 * struct { int type; int max_entries; } counts SEC(".maps");
 * static __attribute__((noinline)) u64 twice(u64 x) { return x * 2 + 1; }
 *
 * SEC("tracepoint/syscalls/sys_enter_openat")
 * int count(void *ctx)
 * {
 *     u32 key = 7;
 *     u64 *v = bpf_map_lookup_elem(&amp;counts, &amp;key);
 *     if (!v)
 *         return 0;
 *     __sync_fetch_and_add(v, twice(*v));
 *     return 1;
 * }
 * </pre>
 *
 * The bytes are the program's section followed by {@code .text} (where {@code twice} lives), as a loader links them.
 */
class ClangProgramTest {
    private static final HexFormat HEX = HexFormat.ofDelimiter(" ");

    private static final String[] COUNT_LITTLE_ENDIAN = {
            "b4 01 00 00 07 00 00 00",
            "63 1a fc ff 00 00 00 00",
            "bf a2 00 00 00 00 00 00",
            "07 02 00 00 fc ff ff ff",
            "18 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00", // r1 = 0 ll, relocation against "counts"
            "85 00 00 00 01 00 00 00",
            "bf 06 00 00 00 00 00 00",
            "b4 00 00 00 00 00 00 00",
            "15 06 04 00 00 00 00 00",
            "79 61 00 00 00 00 00 00",
            "85 10 00 00 ff ff ff ff", // call -1, relocation against .text
            "db 06 00 00 00 00 00 00",
            "b4 00 00 00 01 00 00 00",
            "95 00 00 00 00 00 00 00"};
    private static final String[] TWICE_LITTLE_ENDIAN = {
            "bf 10 00 00 00 00 00 00",
            "67 00 00 00 01 00 00 00",
            "47 00 00 00 01 00 00 00",
            "95 00 00 00 00 00 00 00"};
    private static final String[] COUNT_BIG_ENDIAN = {
            "b4 10 00 00 00 00 00 07",
            "63 a1 ff fc 00 00 00 00",
            "bf 2a 00 00 00 00 00 00",
            "07 20 00 00 ff ff ff fc",
            "18 10 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
            "85 00 00 00 00 00 00 01",
            "bf 60 00 00 00 00 00 00",
            "b4 00 00 00 00 00 00 00",
            "15 60 00 04 00 00 00 00",
            "79 16 00 00 00 00 00 00",
            "85 01 00 00 ff ff ff ff",
            "db 60 00 00 00 00 00 00",
            "b4 00 00 00 00 00 00 01",
            "95 00 00 00 00 00 00 00"};
    private static final String[] TWICE_BIG_ENDIAN = {
            "bf 01 00 00 00 00 00 00",
            "67 00 00 00 00 00 00 01",
            "47 00 00 00 00 00 00 01",
            "95 00 00 00 00 00 00 00"};

    /** The program written with the builder, as a loader would link it: {@code twice} after {@code count}. */
    private static Instructions handWritten() {
        return Instructions.builder()
                .function("count")
                .append(AluOp.MOV.imm32(R1, 7))
                .store(Size.W, R10, -4, R1)
                .mov64(R2, R10)
                .add64(R2, -4)
                .loadMapReference(R1, "counts")
                .call(Helper.MAP_LOOKUP_ELEM)
                .mov64(R6, R0)
                .append(AluOp.MOV.imm32(R0, 0))
                .jumpIf(JumpOp.JEQ, R6, 0, "out")
                .load(Size.DW, R1, R6, 0)
                .callFunction("twice")
                .atomicAdd(Size.DW, R6, 0, R0)
                .append(AluOp.MOV.imm32(R0, 1))
                .label("out")
                .exit()
                .function("twice")
                .mov64(R0, R1)
                .append(AluOp.LSH.imm(R0, 1))
                .append(AluOp.OR.imm(R0, 1))
                .exit()
                .build();
    }

    /**
     * Clang's bytes, linked as a loader does: {@code twice} appended after {@code count}, the map load marked
     * {@code PSEUDO_MAP_FD} (registers byte 0x11 in either order), the call given the distance to {@code twice}
     * (at slot 15, from slot 11: 15 - (11 + 1) = 3).
     */
    @Test
    void builderProducesClangsBytesInBothByteOrders() {
        String[] littleEndian = COUNT_LITTLE_ENDIAN.clone();
        littleEndian[4] = "18 11 00 00 00 00 00 00 00 00 00 00 00 00 00 00";
        littleEndian[10] = "85 10 00 00 03 00 00 00";
        assertThat(HEX.formatHex(handWritten().marshal(ByteOrder.LITTLE_ENDIAN)))
                .isEqualTo(hex(littleEndian) + " " + hex(TWICE_LITTLE_ENDIAN));

        String[] bigEndian = COUNT_BIG_ENDIAN.clone();
        bigEndian[4] = "18 11 00 00 00 00 00 00 00 00 00 00 00 00 00 00";
        bigEndian[10] = "85 01 00 00 00 00 00 03";
        assertThat(HEX.formatHex(handWritten().marshal(ByteOrder.BIG_ENDIAN)))
                .isEqualTo(hex(bigEndian) + " " + hex(TWICE_BIG_ENDIAN));
    }

    @Test
    void decodesAndReencodesClangsBytes() {
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            byte[] bytes = HEX.parseHex(hex(order == ByteOrder.LITTLE_ENDIAN ? COUNT_LITTLE_ENDIAN : COUNT_BIG_ENDIAN));
            Instructions decoded = Instructions.unmarshal(bytes, 0, bytes.length, order);
            assertThat(decoded.size()).isEqualTo(14);
            assertThat(decoded.slotCount()).isEqualTo(15);
            assertThat(decoded.marshal(order)).isEqualTo(bytes);
        }
    }

    @Test
    void disassemblesClangsBytesLikeTheVerifierLog() {
        byte[] bytes = HEX.parseHex(hex(COUNT_LITTLE_ENDIAN));
        assertThat(Instructions.unmarshal(bytes, 0, bytes.length, ByteOrder.LITTLE_ENDIAN)).hasToString(
                "   0: w1 = 7\n"
                        + "   1: *(u32 *)(r10 -4) = r1\n"
                        + "   2: r2 = r10\n"
                        + "   3: r2 += -4\n"
                        + "   4: r1 = 0x0\n"
                        + "   6: call bpf_map_lookup_elem#1\n"
                        + "   7: r6 = r0\n"
                        + "   8: w0 = 0\n"
                        + "   9: if r6 == 0x0 goto pc+4\n"
                        + "  10: r1 = *(u64 *)(r6 +0)\n"
                        + "  11: call pc-1\n"
                        + "  12: lock *(u64 *)(r6 +0) += r0\n"
                        + "  13: w0 = 1\n"
                        + "  14: exit\n");
    }

    private static String hex(String[] lines) {
        return String.join(" ", lines);
    }
}
