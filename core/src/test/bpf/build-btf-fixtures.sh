#!/bin/sh
# Rebuilds the BTF test fixtures: core/src/test/bpf/btf_*.c -> core/src/test/resources/bpf/btf_<name>.bpf{,eb}.o,
# plus their .BTF and .BTF.ext sections as separate files (the tests read those until the ELF reader can).
# Needs clang (14 or later) and llvm-objcopy; libbpf headers for btf_core.c.
set -eu
cd "$(dirname "$0")"
out=../resources/bpf
mkdir -p "$out"
for src in btf_*.c; do
	name=${src%.c}
	for target in bpf bpfeb; do
		obj="$out/$name.$target.o"
		clang -O2 -g -target "$target" -D__TARGET_ARCH_x86 -I/usr/include/x86_64-linux-gnu -c "$src" -o "$obj"
		llvm-objcopy --dump-section ".BTF=$out/$name.$target.BTF" "$obj"
		llvm-objcopy --dump-section ".BTF.ext=$out/$name.$target.BTF.ext" "$obj"
	done
done
