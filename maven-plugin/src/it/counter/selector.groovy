// Compiles BPF C and loads and attaches programs: needs clang, and root as the project's other kernel tests do.
try {
    def p = 'clang --version'.execute()
    p.waitForProcessOutput(new StringBuilder(), new StringBuilder())
    return p.exitValue() == 0 && 'id -u'.execute().text.trim() == '0'
} catch (IOException e) {
    return false
}
