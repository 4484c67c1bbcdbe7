package io.ebpf4j.spring.autoconfigure;

import io.ebpf4j.CollectionSpec;
import io.ebpf4j.spring.EbpfAttachTargetException;
import io.ebpf4j.spring.autoconfigure.ProgramAttacher.Plan;
import io.ebpf4j.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where programs go, decided from section names and configuration like libbpf's auto-attach; no kernel needed. */
class ProgramAttacherTest {
    private final CollectionSpec sections = CollectionSpec.load(Fixtures.bytes("sections.bpf.o"));

    @Test
    void tracingSectionsNameTheirTargets() {
        assertThat(plan("raw_enter")).satisfies(plan -> {
            assertThat(plan.kind()).isEqualTo(AttachKind.RAW_TRACEPOINT);
            assertThat(plan.target()).isEqualTo("sys_enter");
        });
        assertThat(plan("open_return")).satisfies(plan -> {
            assertThat(plan.kind()).isEqualTo(AttachKind.KRETPROBE);
            assertThat(plan.target()).isEqualTo("do_sys_openat2");
        });
        assertThat(plan("sleepable_uprobe")).satisfies(plan -> {
            assertThat(plan.kind()).isEqualTo(AttachKind.UPROBE);
            assertThat(plan.target()).isEqualTo("/proc/self/exe:probe_target");
        });
        assertThat(plan("sleepable_fentry").kind()).isEqualTo(AttachKind.TRACING);
        assertThat(plan("dump_task").kind()).isEqualTo(AttachKind.ITER);
    }

    @Test
    void configurationOverridesTheSectionsTarget() {
        assertThat(plan("raw_enter", p -> p.setTracepoint("sys_exit")).target()).isEqualTo("sys_exit");
        assertThat(plan("sleepable_uprobe", p -> {
            p.setBinary("libc.so.6");
            p.setSymbol("getpid");
        }).target()).isEqualTo("libc.so.6:getpid");
        assertThat(plan("not_autoloaded", p -> p.setTracepoint("syscalls/sys_enter_getppid")).target())
                .isEqualTo("syscalls/sys_enter_getppid");
    }

    @Test
    void networkHooksTakeTheirTargetFromConfiguration() {
        assertThat(plan("xdp_pass", p -> p.setInterface("lo"))).satisfies(plan -> {
            assertThat(plan.kind()).isEqualTo(AttachKind.XDP);
            assertThat(plan.target()).isEqualTo("lo");
        });
        assertThat(plan("socket_filter", p -> p.setInterface("lo")).kind()).isEqualTo(AttachKind.SOCKET_FILTER);
        assertThat(plan("connect4", p -> p.setCgroup("/sys/fs/cgroup/unified")).kind()).isEqualTo(AttachKind.CGROUP);
        assertThat(plan("tc_ok", p -> {
            p.setAttach(AttachKind.TCX_EGRESS);
            p.setInterface("lo");
        }).kind()).isEqualTo(AttachKind.TCX_EGRESS);
    }

    @Test
    void aHookWithoutItsTargetNamesThePropertyToSet() {
        assertThatThrownBy(() -> plan("xdp_pass")).isInstanceOfSatisfying(EbpfAttachTargetException.class, e -> {
            assertThat(e.property()).isEqualTo("ebpf.collections.net.programs.xdp_pass.interface");
            assertThat(e.getMessage()).contains("xdp needs a target: set ebpf.collections.net.programs.xdp_pass"
                    + ".interface (section xdp names none)");
        });
        assertThatThrownBy(() -> plan("cgroup_ingress")).isInstanceOfSatisfying(EbpfAttachTargetException.class,
                e -> assertThat(e.property()).isEqualTo("ebpf.collections.net.programs.cgroup_ingress.cgroup"));
        assertThatThrownBy(() -> plan("tc_ok")).isInstanceOfSatisfying(EbpfAttachTargetException.class,
                e -> assertThat(e.getMessage()).contains("set attach to tcx/ingress or tcx/egress"));
    }

    @Test
    void anExplicitKindMustFitTheProgramType() {
        assertThatThrownBy(() -> plan("xdp_pass", p -> {
            p.setAttach(AttachKind.TRACEPOINT);
            p.setTracepoint("syscalls/sys_enter_openat");
        })).isInstanceOfSatisfying(EbpfAttachTargetException.class, e -> {
            assertThat(e.property()).isEqualTo("ebpf.collections.net.programs.xdp_pass.attach");
            assertThat(e.getMessage()).contains("attach: tracepoint does not fit a XDP program (section xdp)");
        });
    }

    @Test
    void noneLoadsWithoutAttaching() {
        assertThat(plan("xdp_pass", p -> p.setAttach(AttachKind.NONE))).satisfies(plan -> {
            assertThat(plan.kind()).isEqualTo(AttachKind.NONE);
            assertThat(plan.hook()).isNull();
        });
    }

    @Test
    void tracepointsAreGroupSlashName() {
        assertThatThrownBy(() -> plan("not_autoloaded", p -> p.setTracepoint("sys_enter_getppid")))
                .isInstanceOfSatisfying(EbpfAttachTargetException.class, e -> assertThat(e.getMessage())
                        .contains("is not of the form group/name"));
    }

    private Plan plan(String program) {
        return plan(program, p -> { });
    }

    private Plan plan(String program, Consumer<EbpfProperties.Program> configuration) {
        EbpfProperties.Program config = new EbpfProperties.Program();
        configuration.accept(config);
        return ProgramAttacher.plan(new ProgramAttacher.Context("net", "sections.bpf.o",
                sections.programs().get(program), config));
    }
}
