/**
 * What an application using the ebpf4j Spring Boot starter sees: the collections the starter loaded
 * ({@link io.ebpf4j.spring.EbpfCollections}), {@link io.ebpf4j.spring.BpfMapRef} to inject a map, and the
 * exceptions start-up fails with, which the failure analyzers explain.
 */
package io.ebpf4j.spring;
