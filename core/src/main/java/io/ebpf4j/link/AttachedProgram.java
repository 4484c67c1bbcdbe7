package io.ebpf4j.link;

/**
 * A program attached to a hook, as listed by {@link Links#query} ({@code BPF_PROG_QUERY}).
 *
 * @param programId the program's kernel id
 * @param linkId the id of the link that attaches it, or 0 (attached without a link, or a kernel that does not say)
 * @param attachFlags the {@code BPF_F_*} flags it was attached with, where the hook reports them
 */
public record AttachedProgram(int programId, int linkId, int attachFlags) {
}
