// Compiles BPF C: needs clang (the README's test command runs without it, skipping this).
try {
    def p = 'clang --version'.execute()
    p.waitForProcessOutput(new StringBuilder(), new StringBuilder())
    return p.exitValue() == 0
} catch (IOException e) {
    return false
}
