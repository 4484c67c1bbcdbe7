/*
 * Seed of UsdtFuzzTest#notes: a minimal static executable with three USDT probes (constant, register and
 * RIP-relative arguments, semaphores). Not built by the tests; rebuild the committed seed with
 *   gcc -Os -static -nostdlib -fno-pie -no-pie -Wl,-z,noseparate-code -Wl,--build-id=none -s usdt_fuzz_seed.c \
 *     -o ../resources/io/ebpf4j/link/UsdtFuzzTestInputs/notes/seed-usdt_seed
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

unsigned short seed_tick_semaphore __attribute__((section(".probes")));
unsigned short seed_guarded_semaphore __attribute__((section(".probes")));
unsigned short seed_bare_semaphore __attribute__((section(".probes")));
static long counter;

void _start(void) {
    long x = 5;
    DTRACE_PROBE2(seed, tick, x, counter);
    if (seed_guarded_semaphore) {
        DTRACE_PROBE1(seed, guarded, &counter);
    }
    DTRACE_PROBE(seed, bare);
    for (;;) {
        __asm__ volatile("hlt");
    }
}
