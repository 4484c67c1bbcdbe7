/**
 * Build-time code generation from BPF objects: {@link io.ebpf4j.codegen.Generator} reads an object's BTF and writes
 * Java records for its map keys, values and events, Java enums for its enums, and a typed {@code XxxObjects} class
 * for its maps, programs and global variables. {@link io.ebpf4j.codegen.Main} is the same from the command line; the
 * Maven plugin wraps it in a build.
 */
package io.ebpf4j.codegen;
