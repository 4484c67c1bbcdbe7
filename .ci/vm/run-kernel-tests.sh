#!/usr/bin/env bash
# Runs core's kernel tests on a second kernel: Debian 12's 6.1 (cloud flavour) booted under qemu, the way
# cilium/ebpf runs its kernel matrix. Run as root on Debian 12 from anywhere; installs what it needs with apt-get.
#
#  - The guest's whole root file system is an initramfs: a debootstrap'ed Debian 12 with a JRE and the kernel's
#    modules (cached under $EBPF4J_VM_CACHE, default /var/cache/ebpf4j-vm, keyed on the kernel package, its version
#    and the package list, so reruns only rebuild the small part holding this checkout's classes), plus the test
#    classpath, the gcc-built test programs and the JUnit console launcher.
#  - qemu uses KVM when a quick probe boots with it (on this project's CI machines it hangs), TCG otherwise, and is
#    killed after $VM_TIMEOUT seconds (default 900) whatever happens.
#  - Reports come back over the guest's second serial port into core/target/vm-reports/<release>/; the last line
#    printed is `kernel <release>: <n> tests, <f> failed, <s> skipped (missing: <features>)`.
# Exit status: 0 when the tests ran and none failed.
#
# Environment: VM_KERNEL_PACKAGE (default: what linux-image-cloud-amd64 depends on, -unsigned: on Debian 12, the 6.1
# kernel of the current point release), VM_TIMEOUT, VM_TESTS (JUnit console launcher selection options, default: the
# tests tagged kernel but the stress tests; e.g. "--select-class=io.ebpf4j.link.TracingLinkTest" for one class),
# VM_ACCEL (kvm|tcg: skip the probe), VM_MEMORY (MiB, default 3072).
# Measured on a 2-CPU CI machine: building the image 3-5 min (once per kernel version), then each run 1.5 min on
# an idle machine, 4 min on a loaded one (boot 12-30 s, the tests 50-150 s under TCG).
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
cache=${EBPF4J_VM_CACHE:-/var/cache/ebpf4j-vm}
timeout_s=${VM_TIMEOUT:-900}
memory=${VM_MEMORY:-3072}
# The default leaves out the stress tests (a thousand attach cycles, a million entries, racing threads, waiting for the
# garbage collector): they test the library, not the kernel, and take two thirds of the time under emulation.
selection=${VM_TESTS:---scan-class-path=/opt/ebpf4j/core/test-classes --include-tag=kernel --exclude-tag=soak \
--exclude-classname=.*ConcurrencyTest --exclude-methodname=.*(noDescriptor|Million|leakDetection).*}
# What the guest needs besides a minimal Debian: the JRE, ip(8) for the network tests, modprobe for the modules
# the kernel loads on demand (cls_bpf, veth, ...), bpftool for tests that read vmlinux BTF ids, libbpf1 for the
# libbpf inventory tool.
guest_packages=openjdk-17-jre-headless,iproute2,kmod,bpftool,libbpf1
image_format=2 # bump when the image is built differently
started=$(date +%s)
say() { echo "[vm] +$(( $(date +%s) - started ))s $*"; }

export DEBIAN_FRONTEND=noninteractive
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v cpio >/dev/null || need+=(cpio)
[ -x /bin/busybox ] || need+=(busybox-static)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
dpkg -s systemtap-sdt-dev libbpf-dev >/dev/null 2>&1 || need+=(systemtap-sdt-dev libbpf-dev)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi

# --- the kernel and the cached root image ------------------------------------------------------------------------
# A machine whose package lists are missing or older than the mirror knows no (or a vanished) kernel package.
apt-cache show linux-image-cloud-amd64 >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=600 update -q
kernel_package=${VM_KERNEL_PACKAGE:-}
if [ -z "$kernel_package" ]; then
  kernel_package=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-6/ {print $2; exit}')-unsigned
fi
kernel_version=$(apt-cache show --no-all-versions "$kernel_package" 2>/dev/null | awk '/^Version:/ {print $2; exit}')
[ -n "$kernel_version" ] || { echo "[vm] apt knows no package $kernel_package" >&2; exit 1; }
key=$(echo "$image_format $kernel_package $kernel_version $guest_packages" | sha256sum | cut -c1-16)
image=$cache/images/$key
mkdir -p "$cache"
exec 9>"$cache/lock"
flock 9 # one build at a time; a run that waited here finds the image built
if [ ! -f "$image/root.cpio" ]; then
  say "building the guest image for $kernel_package $kernel_version (cache $image)"
  rm -rf "$image.tmp" && mkdir -p "$image.tmp"
  (cd "$image.tmp" && apt-get download "$kernel_package" 2>/dev/null && dpkg-deb -x ./*.deb kernel && rm ./*.deb)
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)
  root=$image.tmp/root
  debootstrap --variant=minbase --include="$guest_packages" bookworm "$root" "$mirror" >"$image.tmp/debootstrap.log" 2>&1 \
    || { tail -30 "$image.tmp/debootstrap.log"; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/{doc,man,locale,info}/*
  release=$(ls "$image.tmp/kernel/lib/modules")
  mkdir -p "$root/usr/lib/modules"
  cp -a "$image.tmp/kernel/lib/modules/$release" "$root/usr/lib/modules/"
  chroot "$root" depmod "$release" # the host may have no kmod
  cp "$image.tmp/kernel/boot/vmlinuz-$release" "$image.tmp/vmlinuz"
  # Where the loader reads CONFIG_* for kconfig externs (this kernel has no /proc/config.gz).
  cp "$image.tmp/kernel/boot/config-$release" "$root/boot/"
  echo "$release" >"$image.tmp/release"
  # Uncompressed: unpacking is cheap, decompressing under emulation is not.
  (cd "$root" && find . -mindepth 1 | cpio -o -H newc --quiet) >"$image.tmp/root.cpio"
  rm -rf "$root" "$image.tmp/kernel"
  # Images of other inputs are of no further use.
  for old in "$cache"/images/*; do [ "$old" = "$image.tmp" ] || rm -rf "$old"; done
  mv "$image.tmp" "$image"
fi
flock -u 9
release=$(cat "$image/release")
say "guest image ready: kernel $release"

# --- this checkout's part: classes, test classpath, test programs, launcher ----------------------------------------
work=$(mktemp -d /tmp/ebpf4j-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
payload=$work/payload
mkdir -p "$payload/opt/ebpf4j/core" "$payload/opt/ebpf4j/lib" "$payload/opt/ebpf4j/native"
./mvnw -B -q -pl core test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath"
# The console launcher of the project's JUnit version, from the local repository once it has been downloaded there.
launcher=$(tr ':' '\n' <"$work/classpath" | grep '/junit-platform-launcher-[^/]*\.jar$')
junit=$(basename "$(dirname "$launcher")")
console=${launcher%/junit-platform-launcher/*}/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar
if [ ! -f "$console" ]; then
  ./mvnw -B -q -N dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit"
fi
cp "$console" "$payload/opt/ebpf4j/junit-console.jar"
guest_classpath=()
for jar in $(tr ':' ' ' <"$work/classpath"); do
  cp "$jar" "$payload/opt/ebpf4j/lib/"
  guest_classpath+=("/opt/ebpf4j/lib/$(basename "$jar")")
done
(IFS=:; echo "${guest_classpath[*]}") >"$payload/opt/ebpf4j/classpath"
cp -r core/target/classes core/target/test-classes "$payload/opt/ebpf4j/core/"
mkdir -p "$payload/opt/ebpf4j/core/src/test" && cp -r core/src/test/bpf core/src/test/native "$payload/opt/ebpf4j/core/src/test/"
# Built as NativeBinaries builds them; the guest runs the same Debian release, so the binaries run there.
gcc -O2 -g -Wall -o "$payload/opt/ebpf4j/native/probe_target" core/src/test/native/probe_target.c
gcc -O2 -g -Wall -o "$payload/opt/ebpf4j/native/libbpf_inventory" core/src/test/native/libbpf_inventory.c -lbpf
{
  # Two minutes below qemu's bound leave time to boot and to send the reports of a run that hung.
  echo "VM_TEST_TIMEOUT=$(( timeout_s > 180 ? timeout_s - 120 : 60 ))"
  echo "VM_TEST_SELECTION='$selection'"
} >"$payload/opt/ebpf4j/vm.env"
cp .ci/vm/guest-init.sh "$payload/init" && chmod 755 "$payload/init"
# A second cpio archive after the cached one: the kernel unpacks both into the same root.
(cd "$payload" && find . -mindepth 1 | cpio -o -H newc --quiet -R 0:0) | cat "$image/root.cpio" - >"$work/initrd"
say "payload ready ($(du -sh "$payload" | cut -f1))"

# --- boot -----------------------------------------------------------------------------------------------------------
accel=${VM_ACCEL:-}
if [ -z "$accel" ]; then
  # A guest with KVM is ~10x faster, but nested KVM may hang right after the BIOS: boot a busybox that only prints a
  # word, give it 15 s, remember the answer for this host kernel and qemu.
  probe_file=$cache/kvm-$(uname -r)-$(qemu-system-x86_64 --version | awk '{print $4; exit}')
  if [ -f "$probe_file" ]; then
    accel=$(cat "$probe_file")
  elif [ -w /dev/kvm ]; then
    mkdir -p "$work/probe/bin"
    cp /bin/busybox "$work/probe/bin/"
    printf '#!/bin/busybox sh\n/bin/busybox echo kvm-works\n/bin/busybox poweroff -f\n' >"$work/probe/init"
    chmod 755 "$work/probe/init"
    (cd "$work/probe" && find . -mindepth 1 | cpio -o -H newc --quiet -R 0:0) >"$work/probe.cpio"
    if timeout 15 qemu-system-x86_64 -accel kvm -cpu host -m 256 -display none -nodefaults -no-reboot \
        -serial stdio -kernel "$image/vmlinuz" -initrd "$work/probe.cpio" -append "console=ttyS0 quiet panic=-1" \
        </dev/null 2>/dev/null | grep -q kvm-works; then
      accel=kvm
    else
      accel=tcg
    fi
    echo "$accel" >"$probe_file"
  else
    accel=tcg
  fi
fi
if [ "$accel" = kvm ]; then accel_options=(-accel kvm -cpu host); else accel_options=(-accel tcg -cpu max); fi
say "booting $release with $accel, $(nproc) CPUs, ${memory} MiB, at most ${timeout_s} s"
boot_started=$(date +%s)
qemu_status=0
# bpf must be in the LSM list for BPF LSM programs to run.
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 "${accel_options[@]}" -smp "$(nproc)" -m "$memory" \
  -display none -nodefaults -no-reboot -monitor none \
  -serial stdio -serial "file:$work/results" \
  -kernel "$image/vmlinuz" -initrd "$work/initrd" \
  -append "console=ttyS0 quiet panic=-1 lsm=lockdown,capability,yama,bpf" </dev/null \
  | tee "$work/console" | sed -u 's/^/[vm]   /' || qemu_status=$?
say "qemu exited with status $qemu_status after $(( $(date +%s) - boot_started )) s"

# --- results --------------------------------------------------------------------------------------------------------
reports=$repo/core/target/vm-reports/$release
rm -rf "$reports" && mkdir -p "$reports"
tr -d '\r' <"$work/results" >"$work/results.txt"
if ! grep -q '^end-reports$' "$work/results.txt"; then
  echo "[vm] FAIL: the guest sent no reports (qemu status $qemu_status; 124 means it was killed after ${timeout_s} s)" >&2
  echo "kernel $release: 0 tests, 0 failed, 0 skipped (missing: unknown: the VM did not finish)"
  exit 1
fi
sed -n '/^begin-reports$/,/^end-reports$/p' "$work/results.txt" | sed '1d;$d' | base64 -d | tar -xz -C "$reports"
tests_status=$(awk '/^status / {print $2}' "$work/results.txt")
python3 .ci/vm/summarize.py "$reports" "$release" || tests_status=1
say "done in $(( $(date +%s) - started )) s; reports in ${reports#"$repo"/}"
[ "$tests_status" = 0 ]
