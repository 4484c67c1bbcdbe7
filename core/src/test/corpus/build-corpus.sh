#!/usr/bin/env bash
# Builds the third-party corpus of CorpusCompatibilityTest: BPF objects that nobody on this project wrote, all from
# Debian 12 packages at pinned versions (the only source CI can reach), into DIRECTORY, outside git:
#   - shipped as .o files: xdp-tools and libxdp1 (/usr/lib/<arch>/bpf/*.o);
#   - embedded in executables and plugins by libbpf skeletons: libbpf-tools (BCC's libbpf-tools), xdp-tools, pcp's
#     BPF PMDA modules (extract-embedded-bpf.py copies them out);
#   - cilium/ebpf's test objects (golang-github-cilium-ebpf-dev), each in both byte orders;
#   - compiled here with clang: the kernel's BPF selftests programs (linux-source-6.1), against vmlinux.h of the
#     running kernel and libbpf-dev's headers, statically linked with `bpftool gen object` where the kernel's
#     Makefile links them, and a choice of them also big-endian (twins of the little-endian objects).
# Nothing is installed from these packages (apt-get download + dpkg-deb -x); only the build tools are installed.
#
#   build-corpus.sh DIRECTORY     (as root on Debian 12; .ci/run passes a cache directory)
# then, to compare ebpf4j with libbpf on it (CorpusCompatibilityTest; differences it accepts: known-differences.tsv):
#   ./mvnw -pl core test -Dtest=CorpusCompatibilityTest -Debpf4j.corpus=DIRECTORY
#
# DIRECTORY/objects/<package>/*.o are the objects; DIRECTORY/manifest.tsv names, for each, its package and version,
# where in the package it came from, the licence its code declares (its `license` section), the package's copyright
# file (copied to DIRECTORY/licenses/) and, for a big-endian object, its little-endian twin. A DIRECTORY built by the
# same script for the same kernel is reused as it is.
set -euo pipefail
out=${1:?usage: build-corpus.sh DIRECTORY}
here=$(cd "$(dirname "$0")" && pwd)

# Package versions of Debian 12. A pin the mirror no longer has (a point release replaced it) falls back to the
# mirror's version with a warning; the manifest records the version used.
pins=(
  libbpf-tools=0.26.0+ds-1
  xdp-tools=1.3.1-1
  libxdp1=1.3.1-1
  pcp=6.0.3-1.1
  golang-github-cilium-ebpf-dev=0.9.1-1
  linux-source-6.1=6.1.192-3
)

stamp="$(cat "$0" "$here/extract-embedded-bpf.py" | sha256sum | cut -d' ' -f1) $(uname -r)"
if [ -f "$out/manifest.tsv" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "corpus: reusing $out ($(($(wc -l <"$out/manifest.tsv") - 1)) objects)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v clang >/dev/null || ! command -v bpftool >/dev/null || ! command -v llvm-readelf >/dev/null \
    || ! command -v gcc >/dev/null || ! command -v xz >/dev/null || ! command -v python3 >/dev/null \
    || ! dpkg -s libbpf-dev libc6-dev >/dev/null 2>&1; then
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends clang llvm bpftool libbpf-dev gcc \
    libc6-dev xz-utils python3
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$out"
mkdir -p "$out/objects" "$out/licenses"
manifest="$work/manifest.tsv"
printf 'object\tpackage\tversion\tsource\tlicence\tcopyright\ttwin\n' >"$manifest"

# download PACKAGE=VERSION: fetches the .deb into $work, unpacks it under $work/<package>, copies its copyright file
# and sets $package and $version.
download() {
  package=${1%%=*}
  version=${1#*=}
  if ! (cd "$work" && apt-get download -q "$package=$version" >/dev/null 2>&1); then
    local available
    available=$(apt-cache policy "$package" | sed -n 's/^ *Candidate: //p')
    echo "corpus: WARNING: $package $version is not on the mirror; using $available (update the pin)" >&2
    version=$available
    (cd "$work" && apt-get download -q "$package=$version" >/dev/null 2>&1)
  fi
  dpkg-deb -x "$work/${package}_${version//:/%3a}_"*.deb "$work/$package"
  cp "$work/$package/usr/share/doc/$package/copyright" "$out/licenses/$package.copyright"
}

# add FILE NAME SOURCE [TWIN]: puts FILE into the corpus as objects/$package/NAME, unless the same bytes are there
# already (xdp-tools' executables each embed the same dispatcher), and records it in the manifest.
declare -A seen
add() {
  local file=$1 name=$2 source=$3 twin=${4:--} hash licence
  hash=$(sha256sum "$file" | cut -d' ' -f1)
  if [ -n "${seen[$hash]:-}" ]; then
    return
  fi
  seen[$hash]=$name
  mkdir -p "$out/objects/$package"
  cp "$file" "$out/objects/$package/$name"
  licence=$(llvm-readelf -p license "$file" 2>/dev/null | sed -n 's/^ *\[ *0\] //p' | head -1)
  printf 'objects/%s/%s\t%s\t%s\t%s\t%s\tlicenses/%s.copyright\t%s\n' "$package" "$name" "$package" "$version" \
    "$source" "${licence:--}" "$package" "$twin" >>"$manifest"
}

# add_embedded FILE PREFIX: every BPF object embedded in FILE.
add_embedded() {
  local file=$1 prefix=$2 name
  mkdir -p "$work/embedded"
  for name in $(python3 "$here/extract-embedded-bpf.py" "$work/embedded" "$prefix" "$file"); do
    add "$work/embedded/$name" "$name" "embedded in ${file#"$work/$package"}"
  done
}

# compile_selftest TARGET NAME OUTPUT: one selftests program (TARGET bpf or bpfeb), with the selftests Makefile's
# flags, against vmlinux.h of the running kernel and libbpf-dev's headers.
compile_selftest() {
  clang -g -O2 -target "$1" -mcpu=v3 -D__TARGET_ARCH_x86 -I"$work" -I"$selftests/progs" -I"$selftests" \
    -I"$tree/tools/include/uapi" -I/usr/include/"$(gcc -dumpmachine)" -Wno-compare-distinct-pointer-types \
    -c "$selftests/progs/$2.c" -o "$3" 2>/dev/null
}

# link_selftests LINKED INPUT...: `bpftool gen object` of compiled selftests programs, as the kernel's Makefile
# links them; skipped when clang could not build an input.
link_selftests() {
  local linked=$1 input inputs=()
  shift
  for input in "$@"; do
    [ -f "$work/selftests/$input.bpf.o" ] || return 0
    inputs+=("$work/selftests/$input.bpf.o")
  done
  bpftool gen object "$work/selftests/$linked" "${inputs[@]}"
}

for pin in "${pins[@]}"; do
  download "$pin"
  root="$work/$package"
  case $package in
    libbpf-tools | xdp-tools)
      for tool in "$root"/usr/sbin/*; do add_embedded "$tool" "$(basename "$tool")"; done
      for object in "$root"/usr/lib/*/bpf/*.o; do
        if [ -e "$object" ]; then add "$object" "$(basename "$object")" "${object#"$root"}"; fi
      done
      ;;
    libxdp1)
      for object in "$root"/usr/lib/*/bpf/*.o; do add "$object" "$(basename "$object")" "${object#"$root"}"; done
      ;;
    pcp)
      for module in "$root"/usr/lib/pcp/pmdas/bpf/modules/*.so; do
        add_embedded "$module" "$(basename "$module" .so)"
      done
      ;;
    golang-github-cilium-ebpf-dev)
      # *-eb.elf is the big-endian twin of *-el.elf, built from the same C source.
      for object in $(find "$root" -name '*-el.elf' | sort); do
        base=$(basename "$object" -el.elf)
        add "$object" "$base-el.elf" "${object#"$root"}"
        add "${object%-el.elf}-eb.elf" "$base-eb.elf" "${object%-el.elf}-eb.elf" \
          "objects/$package/$base-el.elf"
      done
      ;;
    linux-source-6.1)
      # Only the BPF selftests and the headers they need out of the kernel's source tarball.
      tree="$work/linux"
      mkdir -p "$tree"
      tar -xJf "$root"/usr/src/linux-source-*.tar.xz -C "$tree" --strip-components=1 --wildcards \
        '*/tools/testing/selftests/bpf/progs/*' '*/tools/testing/selftests/bpf/*.h' '*/tools/include/uapi/*'
      selftests="$tree/tools/testing/selftests/bpf"
      bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$work/vmlinux.h"
      mkdir -p "$work/selftests"
      compiled=0 failed=0
      for source in "$selftests"/progs/*.c; do
        name=$(basename "$source" .c)
        case $name in
          # Not programs (BTF inputs of the CO-RE and btf_dump tests), or verifier stress tests whose load takes
          # seconds each and add nothing the others lack.
          btf__core_reloc_* | btf_dump_test_case_* | pyperf* | strobemeta* | test_verif_scale* | profiler* | *_bench \
            | loop[1-6]) continue ;;
        esac
        # clang 14 cannot build some programs written for newer compilers.
        if compile_selftest bpf "$name" "$work/selftests/$name.bpf.o"; then
          compiled=$((compiled + 1))
        else
          failed=$((failed + 1))
        fi
      done
      echo "corpus: compiled $compiled selftests programs; clang 14 cannot build $failed"
      # Big-endian twins of a choice of them: CO-RE with bitfields, struct_ops, USDT, globals, map-in-map, legacy
      # maps, packet parsing, perf and ring buffers, linker inputs.
      mkdir -p "$work/selftests-eb"
      for source in "$selftests"/progs/test_core_reloc_*.c "$selftests"/progs/{bpf_cubic,bpf_dctcp,dummy_st_ops}.c \
          "$selftests"/progs/{test_usdt,test_urandom_usdt,test_global_data,test_global_func_args,test_rdonly_maps}.c \
          "$selftests"/progs/{test_skeleton,test_map_in_map,test_btf_map_in_map,test_pinning,map_ptr_kern}.c \
          "$selftests"/progs/{test_sk_assign,test_l4lb,test_xdp_noinline,test_cls_redirect,test_tc_bpf}.c \
          "$selftests"/progs/{test_perf_buffer,test_ringbuf,test_stacktrace_map,linked_funcs1,linked_vars1}.c; do
        name=$(basename "$source" .c)
        if [ -f "$work/selftests/$name.bpf.o" ]; then
          compile_selftest bpfeb "$name" "$work/selftests-eb/$name.bpfeb.o" \
            || echo "corpus: no big-endian twin of $name: clang 14 cannot build it"
        fi
      done
      # Static links, as the selftests Makefile makes them (its <skeleton>-deps lists).
      link_selftests linked_funcs.linked.o linked_funcs1 linked_funcs2
      link_selftests linked_vars.linked.o linked_vars1 linked_vars2
      link_selftests linked_maps.linked.o linked_maps1 linked_maps2
      link_selftests test_static_linked.linked.o test_static_linked1 test_static_linked2
      link_selftests test_usdt.linked.o test_usdt test_usdt_multispec
      link_selftests test_subskeleton_lib.linked.o test_subskeleton_lib test_subskeleton_lib2
      for object in "$work"/selftests/*.o; do
        name=$(basename "$object")
        origin=tools/testing/selftests/bpf/progs/${name%%.*}.c
        case $name in *.linked.o) origin="bpftool gen object of the selftests Makefile's ${name%%.*} inputs" ;; esac
        add "$object" "$name" "compiled from $origin"
      done
      for object in "$work"/selftests-eb/*.o; do
        name=$(basename "$object" .bpfeb.o)
        add "$object" "$name.bpfeb.o" "compiled big-endian from tools/testing/selftests/bpf/progs/$name.c" \
          "objects/$package/$name.bpf.o"
      done
      ;;
  esac
done

mv "$manifest" "$out/manifest.tsv"
echo "$stamp" >"$out/stamp"
echo "corpus: $(($(wc -l <"$out/manifest.tsv") - 1)) objects in $out"
cut -f2 "$out/manifest.tsv" | tail -n +2 | sort | uniq -c | sed 's/^/corpus:   /'
