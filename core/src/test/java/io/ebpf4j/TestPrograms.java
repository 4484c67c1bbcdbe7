package io.ebpf4j;

/**
 * Test access to loading with an attach BTF id: the collection loader finds it for the tp_btf, fentry, lsm and
 * iterator programs of objects, but hand-assembled programs loaded alone need it given (tests get it from bpftool).
 */
public final class TestPrograms {
    private TestPrograms() {}

    /** Loads {@code spec} with the BTF type id of its target in vmlinux. */
    public static BpfProgram loadWithAttachBtfId(ProgramSpec spec, int attachBtfId) {
        return BpfProgram.load(spec, ProgramOptions.defaults(),
                new BpfProgram.LoadExtras(-1, null, 0, 0, null, 0, 0, attachBtfId, -1, -1, -1));
    }
}
