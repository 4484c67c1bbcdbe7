package io.ebpf4j;

import java.time.Duration;
import java.util.List;

/**
 * What the kernel reports about a program ({@code struct bpf_prog_info}).
 *
 * @param tag the program tag (hex), a hash of its instructions
 * @param loadTime time since boot at which the program was loaded
 * @param verifiedInstructions instructions the verifier processed (0 on kernels before 5.16)
 * @param runCount times the program ran while statistics were enabled
 * @param runTimeNs total run time while statistics were enabled
 */
public record ProgramInfo(
        int id,
        ProgramType type,
        String name,
        String tag,
        List<Integer> mapIds,
        Duration loadTime,
        int createdByUid,
        int verifiedInstructions,
        int translatedSize,
        int jitedSize,
        int btfId,
        long runCount,
        long runTimeNs,
        long recursionMisses) {
}
