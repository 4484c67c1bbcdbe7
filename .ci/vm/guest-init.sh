#!/bin/bash
# /init of the kernel-test VM (the whole root file system is the initramfs, so no driver is needed to reach it).
# Mounts what a booted system would have, runs the JUnit console launcher on the kernel tests, then writes the
# kernel release, the launcher's exit status and its XML reports as base64 to the second serial port (the host
# reads that file) and powers off. Settings come from /opt/ebpf4j/vm.env, written by run-kernel-tests.sh.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /run
mount -t securityfs securityfs /sys/kernel/security
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t debugfs debugfs /sys/kernel/debug
chmod 1777 /tmp
ip link set lo up
hostname ebpf4j-vm
. /opt/ebpf4j/vm.env

echo "[vm] kernel $(uname -r), $(nproc) CPUs, LSMs $(cat /sys/kernel/security/lsm 2>/dev/null); up $(cut -d' ' -f1 /proc/uptime) s"
cd /opt/ebpf4j/core
mkdir -p /tmp/reports
set -f # the selection's patterns are for JUnit, not for the shell
# The tests' JVM, as surefire starts it (pom.xml's argLine), plus what keeps the JIT cheap under emulation.
# The timeout is below the host's qemu timeout, so that a hung test still leaves its reports.
timeout --kill-after=10 "$VM_TEST_TIMEOUT" java --enable-native-access=ALL-UNNAMED -Xshare:auto \
  -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx768m \
  -Debpf4j.test.native-binaries=/opt/ebpf4j/native \
  -cp "/opt/ebpf4j/junit-console.jar:/opt/ebpf4j/core/test-classes:/opt/ebpf4j/core/classes:$(cat /opt/ebpf4j/classpath)" \
  org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors \
  --details=tree --details-theme=ascii --reports-dir=/tmp/reports $VM_TEST_SELECTION </dev/null
status=$?
echo "[vm] tests finished with status $status; up $(cut -d' ' -f1 /proc/uptime) s"

# stty raw: no newline translation on the way out.
stty -F /dev/ttyS1 raw -echo 2>/dev/null
{
  echo "release $(uname -r)"
  echo "status $status"
  echo "begin-reports"
  tar -C /tmp/reports -cz . | base64
  echo "end-reports"
} >/dev/ttyS1
sync
echo o >/proc/sysrq-trigger
sleep 30
