// The test loads and attaches BPF programs: it needs root, as the project's other kernel tests do.
return 'id -u'.execute().text.trim() == '0'
