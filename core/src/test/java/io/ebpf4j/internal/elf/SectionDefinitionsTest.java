package io.ebpf4j.internal.elf;

import io.ebpf4j.AttachType;
import io.ebpf4j.ProgramType;
import io.ebpf4j.internal.elf.ProgramSection.AutoAttach;
import io.ebpf4j.internal.elf.ProgramSection.Flag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SectionDefinitionsTest {

    /**
     * One example per entry of libbpf's section_defs[] (libbpf.c), in its order. Columns: section name | matching
     * definition | program type | expected attach type | attach target ("-" for none) | auto-attach | flags.
     */
    private static final String EXPECTATIONS = """
            socket                                  | socket                  | SOCKET_FILTER           | NONE                             | -                          | NONE           |
            sk_reuseport/migrate                    | sk_reuseport/migrate    | SK_REUSEPORT            | SK_REUSEPORT_SELECT_OR_MIGRATE   | -                          | NONE           | ATTACHABLE
            sk_reuseport                            | sk_reuseport            | SK_REUSEPORT            | SK_REUSEPORT_SELECT              | -                          | NONE           | ATTACHABLE
            kprobe/do_sys_openat2                   | kprobe+                 | KPROBE                  | NONE                             | do_sys_openat2             | KPROBE         |
            uprobe//usr/bin/bash:readline           | uprobe+                 | KPROBE                  | NONE                             | /usr/bin/bash:readline     | UPROBE         |
            uprobe.s/libc.so.6:malloc+16            | uprobe.s+               | KPROBE                  | NONE                             | libc.so.6:malloc+16        | UPROBE         | SLEEPABLE
            kretprobe/do_sys_openat2                | kretprobe+              | KPROBE                  | NONE                             | do_sys_openat2             | KPROBE         |
            uretprobe//usr/bin/bash:readline        | uretprobe+              | KPROBE                  | NONE                             | /usr/bin/bash:readline     | UPROBE         |
            uretprobe.s//lib/libc.so.6:free         | uretprobe.s+            | KPROBE                  | NONE                             | /lib/libc.so.6:free        | UPROBE         | SLEEPABLE
            kprobe.multi/vfs_*                      | kprobe.multi+           | KPROBE                  | TRACE_KPROBE_MULTI               | vfs_*                      | KPROBE_MULTI   |
            kretprobe.multi/vfs_*                   | kretprobe.multi+        | KPROBE                  | TRACE_KPROBE_MULTI               | vfs_*                      | KPROBE_MULTI   |
            kprobe.session/vfs_read                 | kprobe.session+         | KPROBE                  | TRACE_KPROBE_SESSION             | vfs_read                   | KPROBE_MULTI   |
            uprobe.multi//bin/bash:read*            | uprobe.multi+           | KPROBE                  | TRACE_UPROBE_MULTI               | /bin/bash:read*            | UPROBE_MULTI   |
            uretprobe.multi//bin/bash:read*         | uretprobe.multi+        | KPROBE                  | TRACE_UPROBE_MULTI               | /bin/bash:read*            | UPROBE_MULTI   |
            uprobe.session//bin/bash:readline       | uprobe.session+         | KPROBE                  | TRACE_UPROBE_SESSION             | /bin/bash:readline         | UPROBE_MULTI   |
            uprobe.multi.s//bin/bash:read*          | uprobe.multi.s+         | KPROBE                  | TRACE_UPROBE_MULTI               | /bin/bash:read*            | UPROBE_MULTI   | SLEEPABLE
            uretprobe.multi.s//bin/bash:read*       | uretprobe.multi.s+      | KPROBE                  | TRACE_UPROBE_MULTI               | /bin/bash:read*            | UPROBE_MULTI   | SLEEPABLE
            uprobe.session.s//bin/bash:readline     | uprobe.session.s+       | KPROBE                  | TRACE_UPROBE_SESSION             | /bin/bash:readline         | UPROBE_MULTI   | SLEEPABLE
            ksyscall/openat                         | ksyscall+               | KPROBE                  | NONE                             | openat                     | KSYSCALL       |
            kretsyscall/openat                      | kretsyscall+            | KPROBE                  | NONE                             | openat                     | KSYSCALL       |
            usdt/./app:myprov:myprobe               | usdt+                   | KPROBE                  | NONE                             | ./app:myprov:myprobe       | USDT           | USDT
            usdt.s/./app:myprov:myprobe             | usdt.s+                 | KPROBE                  | NONE                             | ./app:myprov:myprobe       | USDT           | USDT SLEEPABLE
            tc/ingress                              | tc/ingress              | SCHED_CLS               | TCX_INGRESS                      | -                          | NONE           |
            tc/egress                               | tc/egress               | SCHED_CLS               | TCX_EGRESS                       | -                          | NONE           |
            tcx/ingress                             | tcx/ingress             | SCHED_CLS               | TCX_INGRESS                      | -                          | NONE           |
            tcx/egress                              | tcx/egress              | SCHED_CLS               | TCX_EGRESS                       | -                          | NONE           |
            tc                                      | tc                      | SCHED_CLS               | NONE                             | -                          | NONE           |
            classifier                              | classifier              | SCHED_CLS               | NONE                             | -                          | NONE           |
            action                                  | action                  | SCHED_ACT               | NONE                             | -                          | NONE           |
            netkit/primary                          | netkit/primary          | SCHED_CLS               | NETKIT_PRIMARY                   | -                          | NONE           |
            netkit/peer                             | netkit/peer             | SCHED_CLS               | NETKIT_PEER                      | -                          | NONE           |
            tracepoint/syscalls/sys_enter_openat    | tracepoint+             | TRACEPOINT              | NONE                             | syscalls/sys_enter_openat  | TRACEPOINT     |
            tp/sched/sched_process_exec             | tp+                     | TRACEPOINT              | NONE                             | sched/sched_process_exec   | TRACEPOINT     |
            tracepoint.s/syscalls/sys_enter_openat  | tracepoint.s+           | TRACEPOINT              | NONE                             | syscalls/sys_enter_openat  | TRACEPOINT     | SLEEPABLE
            tp.s/syscalls/sys_enter_openat          | tp.s+                   | TRACEPOINT              | NONE                             | syscalls/sys_enter_openat  | TRACEPOINT     | SLEEPABLE
            raw_tracepoint/sys_enter                | raw_tracepoint+         | RAW_TRACEPOINT          | NONE                             | sys_enter                  | RAW_TRACEPOINT |
            raw_tp/sys_enter                        | raw_tp+                 | RAW_TRACEPOINT          | NONE                             | sys_enter                  | RAW_TRACEPOINT |
            raw_tracepoint.s/sys_enter              | raw_tracepoint.s+       | RAW_TRACEPOINT          | NONE                             | sys_enter                  | RAW_TRACEPOINT | SLEEPABLE
            raw_tp.s/sys_enter                      | raw_tp.s+               | RAW_TRACEPOINT          | NONE                             | sys_enter                  | RAW_TRACEPOINT | SLEEPABLE
            raw_tracepoint.w/bpf_test_finish        | raw_tracepoint.w+       | RAW_TRACEPOINT_WRITABLE | NONE                             | bpf_test_finish            | RAW_TRACEPOINT |
            raw_tp.w/bpf_test_finish                | raw_tp.w+               | RAW_TRACEPOINT_WRITABLE | NONE                             | bpf_test_finish            | RAW_TRACEPOINT |
            tp_btf/sched_switch                     | tp_btf+                 | TRACING                 | TRACE_RAW_TP                     | sched_switch               | TRACING        | ATTACH_BTF
            tp_btf.s/sched_switch                   | tp_btf.s+               | TRACING                 | TRACE_RAW_TP                     | sched_switch               | TRACING        | ATTACH_BTF SLEEPABLE
            fentry/do_unlinkat                      | fentry+                 | TRACING                 | TRACE_FENTRY                     | do_unlinkat                | TRACING        | ATTACH_BTF
            fmod_ret/security_file_open             | fmod_ret+               | TRACING                 | MODIFY_RETURN                    | security_file_open         | TRACING        | ATTACH_BTF
            fexit/do_unlinkat                       | fexit+                  | TRACING                 | TRACE_FEXIT                      | do_unlinkat                | TRACING        | ATTACH_BTF
            fentry.s/do_unlinkat                    | fentry.s+               | TRACING                 | TRACE_FENTRY                     | do_unlinkat                | TRACING        | ATTACH_BTF SLEEPABLE
            fmod_ret.s/security_file_open           | fmod_ret.s+             | TRACING                 | MODIFY_RETURN                    | security_file_open         | TRACING        | ATTACH_BTF SLEEPABLE
            fexit.s/do_unlinkat                     | fexit.s+                | TRACING                 | TRACE_FEXIT                      | do_unlinkat                | TRACING        | ATTACH_BTF SLEEPABLE
            fsession/do_unlinkat                    | fsession+               | TRACING                 | TRACE_FSESSION                   | do_unlinkat                | TRACING        | ATTACH_BTF
            fsession.s/do_unlinkat                  | fsession.s+             | TRACING                 | TRACE_FSESSION                   | do_unlinkat                | TRACING        | ATTACH_BTF SLEEPABLE
            fsession.multi/vfs_*                    | fsession.multi+         | TRACING                 | TRACE_FSESSION_MULTI             | vfs_*                      | TRACING_MULTI  |
            fsession.multi.s/vfs_*                  | fsession.multi.s+       | TRACING                 | TRACE_FSESSION_MULTI             | vfs_*                      | TRACING_MULTI  | SLEEPABLE
            fentry.multi/vfs_*                      | fentry.multi+           | TRACING                 | TRACE_FENTRY_MULTI               | vfs_*                      | TRACING_MULTI  |
            fexit.multi/vfs_*                       | fexit.multi+            | TRACING                 | TRACE_FEXIT_MULTI                | vfs_*                      | TRACING_MULTI  |
            fentry.multi.s/vfs_*                    | fentry.multi.s+         | TRACING                 | TRACE_FENTRY_MULTI               | vfs_*                      | TRACING_MULTI  | SLEEPABLE
            fexit.multi.s/vfs_*                     | fexit.multi.s+          | TRACING                 | TRACE_FEXIT_MULTI                | vfs_*                      | TRACING_MULTI  | SLEEPABLE
            freplace/handle_packet                  | freplace+               | EXT                     | NONE                             | handle_packet              | TRACING        | ATTACH_BTF
            lsm/file_open                           | lsm+                    | LSM                     | LSM_MAC                          | file_open                  | LSM            | ATTACH_BTF
            lsm.s/bprm_committed_creds              | lsm.s+                  | LSM                     | LSM_MAC                          | bprm_committed_creds       | LSM            | ATTACH_BTF SLEEPABLE
            lsm_cgroup/socket_bind                  | lsm_cgroup+             | LSM                     | LSM_CGROUP                       | socket_bind                | NONE           | ATTACH_BTF
            iter/task                               | iter+                   | TRACING                 | TRACE_ITER                       | task                       | ITER           | ATTACH_BTF
            iter.s/task_file                        | iter.s+                 | TRACING                 | TRACE_ITER                       | task_file                  | ITER           | ATTACH_BTF SLEEPABLE
            syscall                                 | syscall                 | SYSCALL                 | NONE                             | -                          | NONE           | SLEEPABLE
            xdp.frags/devmap                        | xdp.frags/devmap        | XDP                     | XDP_DEVMAP                       | -                          | NONE           | XDP_FRAGS
            xdp/devmap                              | xdp/devmap              | XDP                     | XDP_DEVMAP                       | -                          | NONE           | ATTACHABLE
            xdp.frags/cpumap                        | xdp.frags/cpumap        | XDP                     | XDP_CPUMAP                       | -                          | NONE           | XDP_FRAGS
            xdp/cpumap                              | xdp/cpumap              | XDP                     | XDP_CPUMAP                       | -                          | NONE           | ATTACHABLE
            xdp.frags                               | xdp.frags               | XDP                     | XDP                              | -                          | NONE           | XDP_FRAGS
            xdp                                     | xdp                     | XDP                     | XDP                              | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            perf_event                              | perf_event              | PERF_EVENT              | NONE                             | -                          | NONE           |
            lwt_in                                  | lwt_in                  | LWT_IN                  | NONE                             | -                          | NONE           |
            lwt_out                                 | lwt_out                 | LWT_OUT                 | NONE                             | -                          | NONE           |
            lwt_xmit                                | lwt_xmit                | LWT_XMIT                | NONE                             | -                          | NONE           |
            lwt_seg6local                           | lwt_seg6local           | LWT_SEG6LOCAL           | NONE                             | -                          | NONE           |
            sockops                                 | sockops                 | SOCK_OPS                | CGROUP_SOCK_OPS                  | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            sk_skb/stream_parser                    | sk_skb/stream_parser    | SK_SKB                  | SK_SKB_STREAM_PARSER             | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            sk_skb/stream_verdict                   | sk_skb/stream_verdict   | SK_SKB                  | SK_SKB_STREAM_VERDICT            | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            sk_skb/verdict                          | sk_skb/verdict          | SK_SKB                  | SK_SKB_VERDICT                   | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            sk_skb                                  | sk_skb                  | SK_SKB                  | NONE                             | -                          | NONE           |
            sk_msg                                  | sk_msg                  | SK_MSG                  | SK_MSG_VERDICT                   | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            lirc_mode2                              | lirc_mode2              | LIRC_MODE2              | LIRC_MODE2                       | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            flow_dissector                          | flow_dissector          | FLOW_DISSECTOR          | FLOW_DISSECTOR                   | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            cgroup_skb/ingress                      | cgroup_skb/ingress      | CGROUP_SKB              | CGROUP_INET_INGRESS              | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            cgroup_skb/egress                       | cgroup_skb/egress       | CGROUP_SKB              | CGROUP_INET_EGRESS               | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            cgroup/skb                              | cgroup/skb              | CGROUP_SKB              | NONE                             | -                          | NONE           |
            cgroup/sock_create                      | cgroup/sock_create      | CGROUP_SOCK             | CGROUP_INET_SOCK_CREATE          | -                          | NONE           | ATTACHABLE
            cgroup/sock_release                     | cgroup/sock_release     | CGROUP_SOCK             | CGROUP_INET_SOCK_RELEASE         | -                          | NONE           | ATTACHABLE
            cgroup/sock                             | cgroup/sock             | CGROUP_SOCK             | CGROUP_INET_SOCK_CREATE          | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            cgroup/post_bind4                       | cgroup/post_bind4       | CGROUP_SOCK             | CGROUP_INET4_POST_BIND           | -                          | NONE           | ATTACHABLE
            cgroup/post_bind6                       | cgroup/post_bind6       | CGROUP_SOCK             | CGROUP_INET6_POST_BIND           | -                          | NONE           | ATTACHABLE
            cgroup/bind4                            | cgroup/bind4            | CGROUP_SOCK_ADDR        | CGROUP_INET4_BIND                | -                          | NONE           | ATTACHABLE
            cgroup/bind6                            | cgroup/bind6            | CGROUP_SOCK_ADDR        | CGROUP_INET6_BIND                | -                          | NONE           | ATTACHABLE
            cgroup/connect4                         | cgroup/connect4         | CGROUP_SOCK_ADDR        | CGROUP_INET4_CONNECT             | -                          | NONE           | ATTACHABLE
            cgroup/connect6                         | cgroup/connect6         | CGROUP_SOCK_ADDR        | CGROUP_INET6_CONNECT             | -                          | NONE           | ATTACHABLE
            cgroup/connect_unix                     | cgroup/connect_unix     | CGROUP_SOCK_ADDR        | CGROUP_UNIX_CONNECT              | -                          | NONE           | ATTACHABLE
            cgroup/sendmsg4                         | cgroup/sendmsg4         | CGROUP_SOCK_ADDR        | CGROUP_UDP4_SENDMSG              | -                          | NONE           | ATTACHABLE
            cgroup/sendmsg6                         | cgroup/sendmsg6         | CGROUP_SOCK_ADDR        | CGROUP_UDP6_SENDMSG              | -                          | NONE           | ATTACHABLE
            cgroup/sendmsg_unix                     | cgroup/sendmsg_unix     | CGROUP_SOCK_ADDR        | CGROUP_UNIX_SENDMSG              | -                          | NONE           | ATTACHABLE
            cgroup/recvmsg4                         | cgroup/recvmsg4         | CGROUP_SOCK_ADDR        | CGROUP_UDP4_RECVMSG              | -                          | NONE           | ATTACHABLE
            cgroup/recvmsg6                         | cgroup/recvmsg6         | CGROUP_SOCK_ADDR        | CGROUP_UDP6_RECVMSG              | -                          | NONE           | ATTACHABLE
            cgroup/recvmsg_unix                     | cgroup/recvmsg_unix     | CGROUP_SOCK_ADDR        | CGROUP_UNIX_RECVMSG              | -                          | NONE           | ATTACHABLE
            cgroup/getpeername4                     | cgroup/getpeername4     | CGROUP_SOCK_ADDR        | CGROUP_INET4_GETPEERNAME         | -                          | NONE           | ATTACHABLE
            cgroup/getpeername6                     | cgroup/getpeername6     | CGROUP_SOCK_ADDR        | CGROUP_INET6_GETPEERNAME         | -                          | NONE           | ATTACHABLE
            cgroup/getpeername_unix                 | cgroup/getpeername_unix | CGROUP_SOCK_ADDR        | CGROUP_UNIX_GETPEERNAME          | -                          | NONE           | ATTACHABLE
            cgroup/getsockname4                     | cgroup/getsockname4     | CGROUP_SOCK_ADDR        | CGROUP_INET4_GETSOCKNAME         | -                          | NONE           | ATTACHABLE
            cgroup/getsockname6                     | cgroup/getsockname6     | CGROUP_SOCK_ADDR        | CGROUP_INET6_GETSOCKNAME         | -                          | NONE           | ATTACHABLE
            cgroup/getsockname_unix                 | cgroup/getsockname_unix | CGROUP_SOCK_ADDR        | CGROUP_UNIX_GETSOCKNAME          | -                          | NONE           | ATTACHABLE
            cgroup/sysctl                           | cgroup/sysctl           | CGROUP_SYSCTL           | CGROUP_SYSCTL                    | -                          | NONE           | ATTACHABLE
            cgroup/getsockopt                       | cgroup/getsockopt       | CGROUP_SOCKOPT          | CGROUP_GETSOCKOPT                | -                          | NONE           | ATTACHABLE
            cgroup/setsockopt                       | cgroup/setsockopt       | CGROUP_SOCKOPT          | CGROUP_SETSOCKOPT                | -                          | NONE           | ATTACHABLE
            cgroup/dev                              | cgroup/dev              | CGROUP_DEVICE           | CGROUP_DEVICE                    | -                          | NONE           | ATTACHABLE EXPECTED_ATTACH_TYPE_OPTIONAL
            struct_ops/tcp_init                     | struct_ops+             | STRUCT_OPS              | NONE                             | tcp_init                   | NONE           |
            struct_ops.s/dispatch                   | struct_ops.s+           | STRUCT_OPS              | NONE                             | dispatch                   | NONE           | SLEEPABLE
            sk_lookup                               | sk_lookup               | SK_LOOKUP               | SK_LOOKUP                        | -                          | NONE           | ATTACHABLE
            netfilter                               | netfilter               | NETFILTER               | NETFILTER                        | -                          | NONE           |
            """;

    record Expectation(String sectionName, String definition, ProgramType programType, AttachType attachType,
            String attachTarget, AutoAttach autoAttach, Set<Flag> flags) {

        static Expectation parse(String line) {
            String[] c = Arrays.stream(line.split("\\|", -1)).map(String::strip).toArray(String[]::new);
            Set<Flag> flags = c[6].isEmpty() ? Set.of()
                    : Arrays.stream(c[6].split("\\s+")).map(Flag::valueOf).collect(Collectors.toSet());
            return new Expectation(c[0], c[1], ProgramType.valueOf(c[2]), AttachType.valueOf(c[3]),
                    c[4].equals("-") ? null : c[4], AutoAttach.valueOf(c[5]), flags);
        }

        @Override
        public String toString() {
            return sectionName;
        }
    }

    static List<Expectation> expectations() {
        return EXPECTATIONS.lines().filter(l -> !l.isBlank()).map(Expectation::parse).toList();
    }

    @ParameterizedTest
    @MethodSource("expectations")
    void classifiesEveryLibbpfEntry(Expectation expected) {
        ProgramSection section = SectionDefinitions.classify(expected.sectionName()).orElseThrow();

        assertThat(section.sectionName()).isEqualTo(expected.sectionName());
        assertThat(section.definition()).isEqualTo(expected.definition());
        assertThat(section.programType()).isEqualTo(expected.programType());
        assertThat(section.attachType()).isEqualTo(expected.attachType());
        assertThat(section.attachTarget()).isEqualTo(expected.attachTarget());
        assertThat(section.autoAttach()).isEqualTo(expected.autoAttach());
        assertThat(section.flags()).isEqualTo(expected.flags());
        assertThat(section.autoload()).isTrue();
        assertThat(section.sleepable()).isEqualTo(expected.flags().contains(Flag.SLEEPABLE));
        assertThat(section.xdpFrags()).isEqualTo(expected.flags().contains(Flag.XDP_FRAGS));
    }

    @Test
    void expectationsCoverEveryDefinitionInLibbpfOrder() {
        assertThat(expectations().stream().map(Expectation::definition).toList())
                .isEqualTo(SectionDefinitions.patterns());
    }

    @Test
    void exampleFromTheBrief() {
        ProgramSection section = SectionDefinitions.classify("cgroup/connect4").orElseThrow();
        assertThat(section.programType()).isEqualTo(ProgramType.CGROUP_SOCK_ADDR);
        assertThat(section.attachType()).isEqualTo(AttachType.CGROUP_INET4_CONNECT);
    }

    @Test
    void questionMarkDisablesAutoloadAndIsNotPartOfTheMatch() {
        ProgramSection section = SectionDefinitions.classify("?tp/syscalls/sys_enter_getpid").orElseThrow();

        assertThat(section.autoload()).isFalse();
        assertThat(section.sectionName()).isEqualTo("?tp/syscalls/sys_enter_getpid");
        assertThat(section.definition()).isEqualTo("tp+");
        assertThat(section.attachTarget()).isEqualTo("syscalls/sys_enter_getpid");

        assertThat(SectionDefinitions.classify("?xdp").orElseThrow().autoload()).isFalse();
        assertThat(SectionDefinitions.classify("??xdp")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "?", ".text", "license", ".maps", ".rodata",
            "xdp/foo",               // exact entries take no suffix
            "socket1", "socket/x",
            "kprobe.s/foo",          // "+" entries need '/' or the end right after the prefix
            "kprobex", "tracepoint.x/foo", "uprobe.multi.x/foo", "fentry.multi.x/foo",
            "tc/other", "cgroup/connect", "cgroup/unknown", "struct_opsx", "Kprobe/foo", " xdp"})
    void unknownNamesAreNotClassified(String name) {
        assertThat(SectionDefinitions.classify(name)).isEmpty();
    }

    @Test
    void longerVariantsAreNotShadowedByShorterPrefixes() {
        assertThat(SectionDefinitions.classify("uprobe.multi.s/x:y").orElseThrow().definition())
                .isEqualTo("uprobe.multi.s+");
        assertThat(SectionDefinitions.classify("raw_tp.w/x").orElseThrow().programType())
                .isEqualTo(ProgramType.RAW_TRACEPOINT_WRITABLE);
        assertThat(SectionDefinitions.classify("xdp.frags/devmap").orElseThrow().xdpFrags()).isTrue();
        assertThat(SectionDefinitions.classify("fexit.multi.s/x").orElseThrow().definition())
                .isEqualTo("fexit.multi.s+");
    }

    @Test
    void bareAndEmptyTargets() {
        ProgramSection bare = SectionDefinitions.classify("kprobe").orElseThrow();
        assertThat(bare.attachTarget()).isNull();
        assertThat(bare.autoAttachable()).isFalse();

        ProgramSection empty = SectionDefinitions.classify("tracepoint/").orElseThrow();
        assertThat(empty.attachTarget()).isEmpty();
        assertThat(empty.autoAttachable()).isFalse();

        assertThat(SectionDefinitions.classify("fentry").orElseThrow().requiresBtfAttachTarget()).isTrue();
        assertThat(SectionDefinitions.classify("kprobe/vfs_read").orElseThrow().autoAttachable()).isTrue();
        assertThat(SectionDefinitions.classify("xdp").orElseThrow().autoAttachable()).isFalse();
        assertThat(SectionDefinitions.classify("struct_ops/init").orElseThrow().autoAttachable()).isFalse();
    }

    @Test
    void targetKeepsEverythingAfterTheFirstSlash() {
        assertThat(SectionDefinitions.classify("usdt//usr/lib/libc.so.6:libc:setjmp").orElseThrow().attachTarget())
                .isEqualTo("/usr/lib/libc.so.6:libc:setjmp");
        assertThat(SectionDefinitions.classify("kprobe/do_sys_open+0x10").orElseThrow().attachTarget())
                .isEqualTo("do_sys_open+0x10");
    }

    @Test
    void retprobeAndSessionFollowTheDefinition() {
        for (String name : List.of("kretprobe/f", "uretprobe/b:f", "uretprobe.s/b:f", "kretprobe.multi/f*",
                "uretprobe.multi/b:f", "uretprobe.multi.s/b:f", "kretsyscall/openat")) {
            assertThat(SectionDefinitions.classify(name).orElseThrow().retprobe()).as(name).isTrue();
        }
        for (String name : List.of("kprobe/f", "uprobe/b:f", "kprobe.multi/f", "uprobe.multi/b:f", "ksyscall/openat",
                "kprobe.session/f", "usdt/b:p:n")) {
            assertThat(SectionDefinitions.classify(name).orElseThrow().retprobe()).as(name).isFalse();
        }
        for (String name : List.of("kprobe.session/f", "uprobe.session/b:f", "uprobe.session.s/b:f")) {
            assertThat(SectionDefinitions.classify(name).orElseThrow().session()).as(name).isTrue();
        }
        assertThat(SectionDefinitions.classify("fsession/f").orElseThrow().session()).isTrue();
        assertThat(SectionDefinitions.classify("kprobe.multi/f").orElseThrow().session()).isFalse();
    }

    @Test
    void loadFlags() {
        assertThat(SectionDefinitions.classify("xdp.frags").orElseThrow().programFlags())
                .isEqualTo(ProgramSection.BPF_F_XDP_HAS_FRAGS);
        assertThat(SectionDefinitions.classify("fentry.s/f").orElseThrow().programFlags())
                .isEqualTo(ProgramSection.BPF_F_SLEEPABLE);
        assertThat(SectionDefinitions.classify("syscall").orElseThrow().programFlags())
                .isEqualTo(ProgramSection.BPF_F_SLEEPABLE);
        assertThat(SectionDefinitions.classify("xdp").orElseThrow().programFlags()).isZero();
        assertThat(SectionDefinitions.classify("usdt.s/b:p:n").orElseThrow().usdt()).isTrue();
        assertThat(SectionDefinitions.classify("xdp").orElseThrow().attachTypeOptional()).isTrue();
        assertThat(SectionDefinitions.classify("cgroup/connect4").orElseThrow().attachTypeOptional()).isFalse();
    }

    @Test
    void flagsAreImmutable() {
        ProgramSection section = SectionDefinitions.classify("lsm.s/file_open").orElseThrow();
        assertThat(section.flags()).isEqualTo(EnumSet.of(Flag.ATTACH_BTF, Flag.SLEEPABLE));
        assertThatThrownBy(() -> section.flags().add(Flag.USDT))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
