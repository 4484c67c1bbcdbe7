/**
 * The {@code ebpf4j:generate} goal: BPF C sources compiled with clang onto the class path, and typed Java generated
 * for each object by {@code ebpf4j-codegen}.
 */
package io.ebpf4j.maven;
