package io.ebpf4j;

import io.ebpf4j.internal.sys.Bpf;
import io.ebpf4j.internal.sys.BtfLoadAttr;
import io.ebpf4j.internal.sys.Errors;
import io.ebpf4j.internal.sys.NativeBuffer;
import io.ebpf4j.internal.sys.Scratch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads hand-assembled programs that pass callbacks to helpers ({@code bpf_loop}, {@code bpf_user_ringbuf_drain}):
 * the verifier wants BTF {@code func_info} for every function then, which a collection loader derives from the
 * object file. Here a minimal BTF is built instead: one {@code int f(void)} prototype and a static FUNC per
 * function symbol (the verifier checks only global functions against their prototypes).
 */
public final class CallbackPrograms {
    private static final int KIND_INT = 1;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;

    private CallbackPrograms() {}

    public static BpfProgram load(ProgramSpec spec) {
        Map<String, Integer> functions = spec.instructions().functionOffsets();
        List<String> names = new ArrayList<>();
        names.add("main");
        List<Integer> offsets = new ArrayList<>();
        offsets.add(0);
        functions.forEach((name, offset) -> {
            if (offset != 0) {
                names.add(name);
                offsets.add(offset);
            }
        });
        int btfFd = loadBtf(names);
        try {
            ByteBuffer funcInfo = ByteBuffer.allocate(8 * names.size()).order(ByteOrder.nativeOrder());
            for (int i = 0; i < names.size(); i++) {
                funcInfo.putInt(offsets.get(i)).putInt(3 + i); // type ids 1 and 2 are int and the prototype
            }
            return BpfProgram.load(spec, ProgramOptions.defaults(), new BpfProgram.LoadExtras(btfFd,
                    funcInfo.array(), 8, names.size(), null, 0, 0, 0, -1, -1, -1));
        } finally {
            io.ebpf4j.internal.sys.LibC.close(btfFd);
        }
    }

    private static int loadBtf(List<String> functions) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        int intName = addString(strings, "int");
        ByteBuffer types = ByteBuffer.allocate(16 + 12 + 12 * functions.size()).order(ByteOrder.nativeOrder());
        types.putInt(intName).putInt(KIND_INT << 24).putInt(4).putInt(1 << 24 | 32); // signed, 32 bits
        types.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(1);                    // int (*)(void)
        for (String function : functions) {
            types.putInt(addString(strings, function)).putInt(KIND_FUNC << 24).putInt(2); // static linkage
        }
        byte[] stringBytes = strings.toByteArray();
        ByteBuffer btf = ByteBuffer.allocate(24 + types.capacity() + stringBytes.length).order(ByteOrder.nativeOrder());
        btf.putShort((short) 0xeB9F).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(stringBytes.length)
                .put(types.array()).put(stringBytes);
        NativeBuffer data = new NativeBuffer(btf.capacity()).put(0, btf.array(), 0, btf.capacity());
        NativeBuffer attr = Bpf.attr(Scratch.get(), BtfLoadAttr.BYTES);
        attr.buffer().putLong(BtfLoadAttr.BTF, data.address());
        attr.buffer().putInt(BtfLoadAttr.BTF_SIZE, btf.capacity());
        long fd = Bpf.call(Bpf.BTF_LOAD, attr, BtfLoadAttr.BYTES);
        if (fd < 0) {
            throw Errors.of("load test BTF", (int) -fd, "CAP_BPF");
        }
        return (int) fd;
    }

    private static int addString(ByteArrayOutputStream strings, String s) {
        int offset = strings.size();
        strings.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        strings.write(0);
        return offset;
    }
}
