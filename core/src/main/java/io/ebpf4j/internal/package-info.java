/**
 * Facts about the running system that the library needs: kernel version and configuration, possible CPUs,
 * capabilities, mounts of bpffs and tracefs, kernel symbols, pin paths. Not public API: it may change in any
 * release.
 */
package io.ebpf4j.internal;
