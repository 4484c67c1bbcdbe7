package io.ebpf4j.spring.events;

import io.ebpf4j.BpfProgram;
import io.ebpf4j.TestRun;
import io.ebpf4j.spring.EbpfConfigurationException;
import io.ebpf4j.spring.autoconfigure.EbpfAutoConfiguration;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code publish-events} without Micrometer on the class path: every record of a ring buffer and of a perf event
 * array fed by {@code bpf/events.bpf.o} arrives as an {@link EbpfRecordEvent}, read by {@link EbpfEventSources}
 * from the start of the application to its end.
 */
@RequiresKernel
class EbpfEventSourcesKernelTest {
    private static final String C = "ebpf.collections.ev.";

    @Configuration(proxyBeanMethods = false)
    static class Listener {
        final List<EbpfRecordEvent> received = new CopyOnWriteArrayList<>();

        @Bean
        ApplicationListener<EbpfRecordEvent> recordListener() {
            return received::add;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withClassLoader(new FilteredClassLoader("io.micrometer"))
            .withConfiguration(AutoConfigurations.of(EbpfAutoConfiguration.class, EbpfEventsAutoConfiguration.class))
            .withUserConfiguration(Listener.class)
            .withPropertyValues(C + "object=classpath:bpf/events.bpf.o", C + "programs.emit.attach=none");

    /** Runs the program: each run submits a 16-byte record (pid 42, then {@code kind}) to both buffers. */
    private static void emit(BpfProgram program, int times, int kind) {
        ByteBuffer packet = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
        packet.putShort(14, (short) kind);
        program.testRun(TestRun.of(packet.array()).withRepeat(times));
    }

    @Test
    void everyRecordOfTheListedBuffersIsPublishedWithoutMicrometer() {
        runner.withPropertyValues(C + "publish-events=ring,samples").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(EbpfEventSources.class);
            assertThat(ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", context.getClassLoader()))
                    .isFalse();
            emit(context.getBean("ev.emit", BpfProgram.class), 3, 1);
            List<EbpfRecordEvent> events = context.getBean(Listener.class).received;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(events.stream().filter(e -> e.getMap().equals("ring"))).hasSize(3);
                assertThat(events.stream().filter(e -> e.getMap().equals("samples"))).hasSize(3);
            });
            assertThat(events).allSatisfy(e -> {
                assertThat(e.getCollection()).isEqualTo("ev");
                assertThat(e.getCounter()).isNull();
                assertThat(e.getLabels()).isEmpty();
                assertThat(e.getSource()).isSameAs(context.getBean(EbpfEventSources.class));
                assertThat(ByteBuffer.wrap(e.getRecord()).order(ByteOrder.nativeOrder()).getInt(0)).isEqualTo(42);
            });
        });
    }

    @Test
    void aMapThatIsNotABufferFailsStartUpNamingTheProperty() {
        runner.withPropertyValues(C + "publish-events=ring,missing").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().isInstanceOfSatisfying(
                    EbpfConfigurationException.class, e -> {
                        assertThat(e.property()).isEqualTo("ebpf.collections.ev.publish-events");
                        assertThat(e.candidates()).contains("ring", "samples");
                    });
        });
    }
}
