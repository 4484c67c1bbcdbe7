package io.ebpf4j.testing;

import io.ebpf4j.AttachType;
import io.ebpf4j.features.Features;

/** Kernel hooks a test can require with {@link RequiresKernel#hooks()}, each answered by a probe in {@link Features}. */
public enum Hook {
    KPROBE {
        @Override
        void require() {
            Features.requireKprobes();
        }
    },
    KPROBE_MULTI {
        @Override
        void require() {
            Features.requireKprobeMulti();
        }
    },
    FREPLACE {
        @Override
        void require() {
            Features.requireFreplace();
        }
    },
    FENTRY(AttachType.TRACE_FENTRY),
    FEXIT(AttachType.TRACE_FEXIT),
    FMOD_RET(AttachType.MODIFY_RETURN),
    LSM(AttachType.LSM_MAC);

    private final AttachType attachType;

    Hook() {
        this(null);
    }

    Hook(AttachType attachType) {
        this.attachType = attachType;
    }

    /** Throws the probe's {@link io.ebpf4j.NotSupportedException} when the kernel lacks the hook. */
    void require() {
        Features.requireTracingAttach(attachType);
    }
}
