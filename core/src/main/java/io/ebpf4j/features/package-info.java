/**
 * What the running kernel supports, asked the way {@code bpftool feature probe} asks: by creating a tiny map or
 * loading a two-instruction program, never by reading version numbers, because kernel builds of one release differ.
 * Each answer is cached; {@code has*} methods return a boolean, {@code require*} methods throw the
 * {@link io.ebpf4j.NotSupportedException} that explains the missing feature.
 */
package io.ebpf4j.features;
