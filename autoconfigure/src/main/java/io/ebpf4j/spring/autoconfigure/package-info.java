/**
 * Auto-configuration of BPF collections from {@code ebpf.*} properties: loading at refresh, one bean per
 * collection, map and program, attaching in a lifecycle phase before the web server and detaching in reverse on
 * shutdown.
 */
package io.ebpf4j.spring.autoconfigure;
