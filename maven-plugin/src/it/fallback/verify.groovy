def log = new File(basedir, 'build.log').text
assert log.contains('[WARNING] ebpf4j: clang')
assert log.contains('Using the committed')
assert new File(basedir, 'target/classes/bpf/tiny.bpf.o').isFile()
assert new File(basedir, 'target/classes/com/example/tiny/TinyObjects.class').isFile()
true
