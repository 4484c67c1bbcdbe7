def log = new File(basedir, 'build.log').text
assert log.contains("clang ('/nonexistent/clang') cannot be run")
assert log.contains('apt-get install clang')
assert !new File(basedir, 'target/classes/bpf/tiny.bpf.o').exists()
true
