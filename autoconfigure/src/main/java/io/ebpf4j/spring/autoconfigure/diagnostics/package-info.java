/**
 * Failure analyzers that turn the starter's startup failures into a description of what went wrong and an action:
 * missing or invalid objects, verifier rejections, missing privileges, hooks the kernel lacks, configuration that
 * does not fit the object, and attach targets that do not exist.
 */
package io.ebpf4j.spring.autoconfigure.diagnostics;
