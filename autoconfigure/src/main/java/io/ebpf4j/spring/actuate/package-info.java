/**
 * The {@code ebpf} Actuator endpoint (collections, programs and map contents decoded through BTF; writes only when
 * this endpoint's own access allows them) and one health contributor per collection.
 */
package io.ebpf4j.spring.actuate;
