def log = new File(basedir, 'build.log').text
assert log.count('ebpf4j: compiling tiny.bpf.c') == 1
assert log.contains('ebpf4j: 1 object(s) up to date')
assert new File(basedir, 'target/classes/com/example/tiny/TinyObjects.class').isFile()
true
