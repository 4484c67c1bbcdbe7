package io.ebpf4j.spring;

/**
 * A program could not be attached because of where it was told (or defaulted) to attach: no target given for a hook
 * that needs one (an interface for XDP, a cgroup for cgroup hooks), or a target that does not exist (unknown
 * tracepoint, network interface, cgroup directory, binary or symbol).
 */
public class EbpfAttachTargetException extends EbpfCollectionException {
    private static final long serialVersionUID = 1L;

    private final String hook;
    private final String target;
    private final String property;

    /**
     * @param hook the kind of hook, e.g. {@code xdp} or {@code tracepoint}
     * @param target the target as configured or derived from the section name, or {@code null} when none was given
     * @param property the property that sets (or should set) the target, e.g.
     *     {@code ebpf.collections.x.programs.y.interface}
     */
    public EbpfAttachTargetException(String collection, String object, String program, String hook, String target,
            String property, String message, Throwable cause) {
        super(collection, object, program, Stage.ATTACH, message, cause);
        this.hook = hook;
        this.target = target;
        this.property = property;
    }

    public String hook() {
        return hook;
    }

    /** The target that was tried, or {@code null} when none was given. */
    public String target() {
        return target;
    }

    /** The property that sets the target. */
    public String property() {
        return property;
    }
}
