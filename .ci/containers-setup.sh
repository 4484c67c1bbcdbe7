#!/usr/bin/env bash
# Sets up a container engine for the Testcontainers tests on a machine without an image registry:
# Debian's docker.io, dockerd started by hand (no init system), and two local images built from this machine's
# own packages: local/busybox (also tagged alpine:3.17, the helper image Testcontainers uses) and
# local/debian:bookworm (debootstrap from the mirror apt is configured with).
# Idempotent: reruns reuse a running dockerd and existing images.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
started=$(date +%s)
say() { echo "[containers] +$(( $(date +%s) - started ))s $*"; }

if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null || [ ! -x /bin/busybox ]; then
  say "installing docker.io, debootstrap, busybox-static"
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends docker.io busybox-static debootstrap
fi

# This VM's capability bounding set lacks CAP_SYS_RESOURCE; dockerd 20.10 asks runc for it in privileged mode and
# the container fails to start. The wrapper drops that one capability from the OCI specs runc receives. (The tests do
# not use privileged mode; this keeps `docker run --privileged` usable for people.) Written every time: cheap, and a
# half-configured machine (wrapper without daemon.json) gets repaired.
cat > /usr/local/bin/runc-without-sys-resource <<'WRAPPER'
#!/bin/sh
drop() { [ -f "$1" ] && sed -i -e 's/"CAP_SYS_RESOURCE",//g' -e 's/,"CAP_SYS_RESOURCE"//g' -e 's/"CAP_SYS_RESOURCE"//g' "$1"; }
previous=
for arg in "$@"; do
  case "$previous" in --bundle|-b) drop "$arg/config.json";; --process|-p) drop "$arg";; esac
  case "$arg" in --bundle=*) drop "${arg#--bundle=}/config.json";; --process=*) drop "${arg#--process=}";; esac
  previous=$arg
done
exec /usr/sbin/runc "$@"
WRAPPER
chmod 755 /usr/local/bin/runc-without-sys-resource
mkdir -p /etc/docker
echo '{"runtimes": {"runc-nsr": {"path": "/usr/local/bin/runc-without-sys-resource"}}, "default-runtime": "runc-nsr"}' \
  > /etc/docker/daemon.json

# No init system here (and policy-rc.d forbids starting services): start dockerd by hand, detached from this script's
# terminal and process group, its pid in /run/dockerd-ci.pid.
if ! docker info >/dev/null 2>&1; then
  say "starting dockerd"
  setsid nohup dockerd </dev/null >/var/log/dockerd.log 2>&1 &
  echo $! >/run/dockerd-ci.pid
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! docker info >/dev/null 2>&1; then
    echo "dockerd did not answer within 60 s; the end of /var/log/dockerd.log:" >&2
    tail -30 /var/log/dockerd.log >&2
    exit 1
  fi
fi
say "$(docker info --format 'dockerd {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}, default runtime {{.DefaultRuntime}}')"

if ! docker image inspect local/busybox:latest >/dev/null 2>&1; then
  say "building local/busybox"
  root=$(mktemp -d)
  mkdir -p "$root"/{bin,tmp,etc,proc,sys,dev,root,usr}
  cp /bin/busybox "$root/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"   # --list names busybox itself too
  done
  ln -s ../bin "$root/usr/bin"; ln -s bin "$root/sbin"; chmod 1777 "$root/tmp"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"; echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin:/usr/bin:/sbin' - local/busybox:latest
  rm -rf "$root"
fi
# Testcontainers' helper image ("tiny image"): used when it checks file mounts or looks for the docker host.
docker image inspect alpine:3.17 >/dev/null 2>&1 || docker tag local/busybox:latest alpine:3.17

if ! docker image inspect local/debian:bookworm >/dev/null 2>&1; then
  say "building local/debian:bookworm with debootstrap"
  mirror=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  fi
  [ -n "$mirror" ] || { echo "no Debian mirror found in apt's sources" >&2; exit 1; }
  root=$(mktemp -d)
  debootstrap --variant=minbase bookworm "$root" "$mirror" >/var/log/debootstrap.log 2>&1 \
    || { tail -30 /var/log/debootstrap.log; exit 1; }
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/{doc,man,locale}/*
  tar -C "$root" -c . | docker import -c 'CMD ["/bin/bash"]' -c 'ENV LANG=C.UTF-8' \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - local/debian:bookworm
  rm -rf "$root"
fi
say "ready: $(docker images --format '{{.Repository}}:{{.Tag}}' | tr '\n' ' ')"
