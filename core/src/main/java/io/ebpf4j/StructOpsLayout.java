package io.ebpf4j;

import io.ebpf4j.btf.FuncProto;
import io.ebpf4j.btf.Member;
import io.ebpf4j.btf.Pointer;
import io.ebpf4j.btf.Spec;
import io.ebpf4j.btf.Struct;
import io.ebpf4j.btf.Type;
import io.ebpf4j.btf.Types;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the value of a struct_ops map, written by the object in its own declaration of a kernel struct (say a
 * {@code struct tcp_congestion_ops} with only the members it sets), becomes the value the kernel wants: the kernel's
 * {@code struct bpf_struct_ops_<name>}, which wraps the kernel's {@code struct <name>}. Members are matched by name,
 * as libbpf does: data members are copied, function pointers get the descriptors of their programs, and members the
 * object does not declare stay zero.
 */
final class StructOpsLayout {
    private static final String VALUE_PREFIX = "bpf_struct_ops_";

    /** A function-pointer member and the program that implements it. */
    record ProgramSlot(String member, String program, int memberIndex, int offset) {}

    private record Copy(int from, int to, int size) {}

    private final String mapName;
    private final String structName;
    private final int structTypeId;
    private final int valueTypeId;
    private final int valueSize;
    private final List<Copy> copies;
    private final List<ProgramSlot> programSlots;
    private final byte[] localValue;

    private StructOpsLayout(String mapName, String structName, int structTypeId, int valueTypeId, int valueSize,
            List<Copy> copies, List<ProgramSlot> programSlots, byte[] localValue) {
        this.mapName = mapName;
        this.structName = structName;
        this.structTypeId = structTypeId;
        this.valueTypeId = valueTypeId;
        this.valueSize = valueSize;
        this.copies = copies;
        this.programSlots = programSlots;
        this.localValue = localValue;
    }

    /**
     * Matches the map's local struct against the kernel's.
     *
     * @throws NotSupportedException if the kernel has no struct_ops of that name, or lacks a member the object sets
     * @throws BpfException if a member cannot be carried over (bitfield, different kind or size)
     */
    static StructOpsLayout of(MapSpec map, Spec kernel) {
        String what = "struct_ops map '" + map.name() + "'";
        if (!(map.valueType() instanceof Struct local)) {
            throw new BpfException(what + " has no struct value type: the loader needs the object's declaration of"
                    + " the kernel struct (e.g. struct tcp_congestion_ops) to lay its value out");
        }
        byte[] localValue = localValue(map, local);
        map.structOpsPrograms().forEach((member, program) -> {
            if (Types.findMember(local, member).filter(m -> m.path().size() == 1
                    && Types.underlying(m.type()) instanceof Pointer).isEmpty()) {
                throw new BpfException(what + ": program '" + program + "' is given for member '" + member
                        + "', which is not a function pointer of struct " + local.name());
            }
        });
        String name = Types.essentialName(local.name());
        Struct wrapper = kernel.typeByName(VALUE_PREFIX + name, Struct.class).orElseThrow(() ->
                new NotSupportedException("struct_ops " + name, what + ": this kernel's BTF has no struct "
                        + VALUE_PREFIX + name + ", so it cannot register struct " + name + " from BPF (struct_ops"
                        + " types of kernel modules are not supported)"));
        Struct kernelStruct = kernel.typeByName(name, Struct.class).orElseThrow(() ->
                new NotSupportedException("struct_ops " + name, what + ": this kernel's BTF has no struct " + name));
        int structTypeId = kernel.typeId(kernelStruct);
        Member data = wrapper.members().stream().filter(m -> kernel.typeId(m.type()) == structTypeId).findFirst()
                .orElseThrow(() -> new BpfException(what + ": the kernel's struct " + VALUE_PREFIX + name
                        + " does not hold a struct " + name));

        List<Copy> copies = new ArrayList<>();
        List<ProgramSlot> slots = new ArrayList<>();
        List<Member> kernelMembers = kernelStruct.members();
        for (Member member : local.members()) {
            String memberWhat = what + ", member '" + member.name() + "' of struct " + name;
            int size = (int) Types.sizeof(member.type());
            String program = map.structOpsPrograms().get(member.name());
            int index = indexOf(kernelMembers, member.name());
            if (index < 0) {
                if (program == null && isZero(localValue, member.byteOffset(), size)) {
                    continue; // newer than this kernel but unused, as libbpf allows
                }
                throw new NotSupportedException("struct_ops member " + name + "." + member.name(), memberWhat
                        + ": this kernel's struct " + name + " has no such member");
            }
            Member kernelMember = kernelMembers.get(index);
            if (member.isBitfield() || kernelMember.isBitfield()) {
                throw new BpfException(memberWhat + ": bitfields cannot be carried over to the kernel's struct");
            }
            Type localType = Types.underlying(member.type());
            Type kernelType = Types.underlying(kernelMember.type());
            if (localType.kind() != kernelType.kind()) {
                throw new BpfException(memberWhat + ": declared as " + Types.describe(member.type())
                        + " but the kernel's is " + Types.describe(kernelMember.type()));
            }
            int kernelOffset = data.byteOffset() + kernelMember.byteOffset();
            if (localType instanceof Pointer) {
                if (program == null) {
                    continue; // a NULL callback: the kernel's member stays zero
                }
                if (!(Types.underlying(((Pointer) kernelType).target()) instanceof FuncProto)) {
                    throw new BpfException(memberWhat + " is set to program '" + program + "' but the kernel's "
                            + "member is not a function pointer: " + Types.describe(kernelMember.type()));
                }
                slots.add(new ProgramSlot(member.name(), program, index, kernelOffset));
                continue;
            }
            long kernelSize = Types.sizeof(kernelMember.type());
            if (kernelSize != size) {
                throw new BpfException(memberWhat + ": " + size + " bytes in the object but " + kernelSize
                        + " bytes in this kernel (" + Types.describe(kernelMember.type()) + ")");
            }
            copies.add(new Copy(member.byteOffset(), kernelOffset, size));
        }
        return new StructOpsLayout(map.name(), name, structTypeId, kernel.typeId(wrapper), wrapper.size(),
                List.copyOf(copies), List.copyOf(slots), localValue);
    }

    private static byte[] localValue(MapSpec map, Struct local) {
        if (map.contents().isEmpty()) {
            return new byte[local.size()];
        }
        Object value = map.contents().get(0).value();
        if (map.contents().size() != 1 || !(value instanceof byte[] bytes) || bytes.length != local.size()) {
            throw new BpfException("struct_ops map '" + map.name() + "' must have one initial value: the "
                    + local.size() + " bytes of its struct " + local.name());
        }
        return bytes;
    }

    private static int indexOf(List<Member> members, String name) {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isZero(byte[] data, int offset, int size) {
        for (int i = offset; i < offset + size; i++) {
            if (data[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The kernel struct's name without flavor, e.g. {@code tcp_congestion_ops}. */
    String structName() {
        return structName;
    }

    /** BTF id of the kernel struct: the attach BTF id of the map's programs. */
    int structTypeId() {
        return structTypeId;
    }

    /** BTF id of {@code struct bpf_struct_ops_<name>}: the map's {@code btf_vmlinux_value_type_id}. */
    int valueTypeId() {
        return valueTypeId;
    }

    /** The map's value size in the kernel. */
    int valueSize() {
        return valueSize;
    }

    /** The function-pointer members set to programs; a program's expected attach type is its member's index. */
    List<ProgramSlot> programSlots() {
        return programSlots;
    }

    /** The kernel's value: copied data members and, in function-pointer members, the programs' descriptors. */
    byte[] kernelValue(Map<String, BpfProgram> programs) {
        ByteBuffer value = ByteBuffer.allocate(valueSize).order(ByteOrder.nativeOrder());
        for (Copy copy : copies) {
            value.put(copy.to(), localValue, copy.from(), copy.size());
        }
        for (ProgramSlot slot : programSlots) {
            BpfProgram program = programs.get(slot.program());
            if (program == null) {
                throw new BpfException("struct_ops map '" + mapName + "': member '" + slot.member() + "' calls "
                        + "program '" + slot.program() + "', which the collection did not load");
            }
            value.putLong(slot.offset(), program.fd());
        }
        return value.array();
    }
}
