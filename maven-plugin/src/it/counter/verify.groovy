// The object is on the class path, the generated class compiled, and the kernel test passed.
def log = new File(basedir, 'build.log').text
assert log.contains('ebpf4j: compiling counter.bpf.c')
assert new File(basedir, 'target/classes/bpf/counter.bpf.o').isFile()
assert new File(basedir, 'target/generated-sources/ebpf4j/com/example/counter/CounterObjects.java').isFile()
assert new File(basedir, 'target/classes/com/example/counter/CounterObjects$ExecStats.class').isFile()
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
true
