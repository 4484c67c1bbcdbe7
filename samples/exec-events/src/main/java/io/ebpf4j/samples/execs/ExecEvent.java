package io.ebpf4j.samples.execs;

/**
 * One program execution, as the BPF program submits it: {@code struct exec_event} of execs.bpf.c. The components
 * are matched to the struct's members by name through the object's BTF ({@link ExecEventDecoder}).
 *
 * @param pid the process that executed the program
 * @param uid its user id
 * @param comm its command name after the exec (the file name, cut to 15 characters)
 * @param filename the file executed, as the caller passed it to execve (cut to 127 bytes)
 */
public record ExecEvent(int pid, int uid, String comm, String filename) {
}
