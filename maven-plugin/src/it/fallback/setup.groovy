// The object a developer with clang would have committed.
def out = new File(basedir, 'src/main/bpf-objects')
out.mkdirs()
def p = ['clang', '-O2', '-g', '-target', 'bpf', '-I/usr/include/x86_64-linux-gnu', '-c',
         new File(basedir, 'src/main/bpf/tiny.bpf.c').path, '-o', new File(out, 'tiny.bpf.o').path].execute()
p.waitForProcessOutput(System.out, System.err)
assert p.exitValue() == 0
true
