package io.ebpf4j.btf;

import io.ebpf4j.BpfPermissionException;
import io.ebpf4j.NotSupportedException;
import io.ebpf4j.internal.sys.Errno;
import io.ebpf4j.internal.sys.Errors;

import java.util.List;

/**
 * Which BTF kinds and flags a kernel accepts in {@code BPF_BTF_LOAD}. {@link Builder#marshal(MarshalOptions)}
 * replaces what is missing by older equivalents, as libbpf's {@code bpf_object__sanitize_btf} does, so that a BPF
 * object built by a recent compiler still loads its BTF (and with it func and line info) on an older kernel.
 *
 * @param funcs FUNC and FUNC_PROTO (4.20); without them functions become typedefs and prototypes enums
 * @param globalFuncs FUNC with global linkage (5.6); without it functions are marked static
 * @param datasec VAR and DATASEC (5.2); without them variables become one-byte ints and sections structs
 * @param qmarkDatasec DATASEC names starting with '?' (6.x); without it the '?' becomes '_'
 * @param floats FLOAT (5.13); without it floats become empty structs of the same size
 * @param declTags DECL_TAG (5.16); without it tags become one-byte ints
 * @param typeTags TYPE_TAG (5.17); without it type tags become const
 * @param enum64 ENUM64 and signed enums (6.0); without it 64-bit enums become unions and enums lose their sign
 */
public record BtfFeatures(boolean funcs, boolean globalFuncs, boolean datasec, boolean qmarkDatasec, boolean floats,
        boolean declTags, boolean typeTags, boolean enum64) {

    /** Everything: marshal types unchanged. */
    public static final BtfFeatures ALL = new BtfFeatures(true, true, true, true, true, true, true, true);

    /** Nothing beyond the BTF of kernel 4.18: maximal sanitising. */
    public static final BtfFeatures NONE = new BtfFeatures(false, false, false, false, false, false, false, false);

    private static volatile BtfFeatures kernel;

    /**
     * What the running kernel accepts, found by loading one tiny BTF blob per feature (as libbpf does) the first
     * time this is called.
     *
     * @throws BpfPermissionException without CAP_BPF
     * @throws NotSupportedException when the kernel loads no BTF at all
     */
    public static BtfFeatures kernel() {
        BtfFeatures k = kernel;
        if (k == null) {
            synchronized (BtfFeatures.class) {
                k = kernel;
                if (k == null) {
                    k = probe();
                    kernel = k;
                }
            }
        }
        return k;
    }

    private static BtfFeatures probe() {
        Int i = new Int("int", 4, Int.Encoding.SIGNED);
        // Without plain BTF there is nothing to sanitise for: report why instead of caching "no features".
        int errno = loadErrno(i);
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            throw Errors.of("probe BTF support (BPF_BTF_LOAD)", errno, "CAP_BPF");
        }
        if (errno != 0) {
            throw new NotSupportedException("BTF", "the kernel does not load BTF (BPF_BTF_LOAD: "
                    + Errno.describe(errno) + "); it needs CONFIG_DEBUG_INFO_BTF and Linux 4.18 or later", errno);
        }
        FuncProto proto = new FuncProto(i, List.of(new Param("a", i)));
        Var x = new Var("x", i, Linkage.STATIC);
        return new BtfFeatures(
                loadErrno(new Func("x", proto, Linkage.STATIC)) == 0,
                loadErrno(new Func("x", proto, Linkage.GLOBAL)) == 0,
                loadErrno(new Datasec(".data", 4, List.of(new VarSecinfo(x, 0, 4)))) == 0,
                loadErrno(new Datasec("?.data", 4, List.of(new VarSecinfo(x, 0, 4)))) == 0,
                loadErrno(new Float("float", 4)) == 0,
                loadErrno(new DeclTag("tag", x, -1)) == 0,
                loadErrno(new Pointer(new TypeTag("tag", i))) == 0,
                loadErrno(new Enum64("enum64", 8, false, List.of())) == 0);
    }

    /** 0 if the kernel loads BTF holding {@code probe}, else the errno. */
    private static int loadErrno(Type probe) {
        Builder b = new Builder();
        b.add(probe);
        return Handle.probe(b.marshal(MarshalOptions.DEFAULT));
    }
}
