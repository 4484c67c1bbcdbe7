// Prints what libbpf makes of a BPF object after opening it: one line per program and map, tab-separated, for
// LibbpfCompatibilityTest and CorpusCompatibilityTest to compare with ebpf4j's CollectionSpec. With --load it then
// loads the object into the running kernel, reports the outcome and removes what it pinned.
//   libbpf <major> <minor>   (the version that read the object)
//   prog <name> <section> <type> <expected attach type> <instruction count> <autoload>
//   map  <name> <type> <key size> <value size> <max entries> <flags> <pinned by name> <initial data hash>
//   load ok | load failed <errno> <libbpf's first warning>     (with --load only)
// The initial data hash is the FNV-1a 64 hash of libbpf's initial value of a global-data map (.data, .rodata, .bss,
// .kconfig), "-" for other maps. Exit status 1 means libbpf could not open the object; a failed load exits 0.
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

// The first warning libbpf printed since it was last cleared: the most specific reason it gives for a failure
// ("map 'x': failed to create", "prog 'y': BPF program load failed"), before its summary ("failed to load object").
static char first_warning[512];

static int remember_first_warning(enum libbpf_print_level level, const char *fmt, va_list args) {
    if (level != LIBBPF_WARN) {
        return 0;
    }
    if (first_warning[0] != '\0') {
        return 0;
    }
    char line[sizeof(first_warning)];
    vsnprintf(line, sizeof(line), fmt, args);
    // A tab or newline inside would split the output line.
    for (char *c = line; *c; c++) {
        if (*c == '\t' || *c == '\n') {
            *c = ' ';
        }
    }
    // "-- BEGIN PROG LOAD LOG --" blocks and blank lines say less than the line that names the failure.
    if (line[0] != ' ' && strncmp(line, "-- ", 3) != 0) {
        strcpy(first_warning, line);
    }
    return 0;
}

static uint64_t fnv1a(const unsigned char *data, size_t size) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < size; i++) {
        hash = (hash ^ data[i]) * 0x100000001b3ULL;
    }
    return hash;
}

int main(int argc, char **argv) {
    const char *pin_root = NULL;
    const char *path = argv[1];
    if (argc == 4 && strcmp(argv[1], "--load") == 0) {
        pin_root = argv[2];
        path = argv[3];
    } else if (argc != 2) {
        fprintf(stderr, "usage: %s [--load PIN_DIRECTORY] object.bpf.o\n", argv[0]);
        return 2;
    }
    libbpf_set_print(remember_first_warning);
    printf("libbpf\t%u\t%u\n", libbpf_major_version(), libbpf_minor_version());
    // Maps pinned by name go under pin_root, a directory of the caller's, instead of /sys/fs/bpf.
    LIBBPF_OPTS(bpf_object_open_opts, options, .pin_root_path = pin_root);
    struct bpf_object *obj = bpf_object__open_file(path, &options);
    if (!obj) {
        fprintf(stderr, "libbpf cannot open %s: %s\n", path, first_warning);
        return 1;
    }
    struct bpf_program *prog;
    bpf_object__for_each_program(prog, obj) {
        printf("prog\t%s\t%s\t%d\t%d\t%zu\t%d\n", bpf_program__name(prog), bpf_program__section_name(prog),
               bpf_program__type(prog), bpf_program__expected_attach_type(prog), bpf_program__insn_cnt(prog),
               bpf_program__autoload(prog));
    }
    struct bpf_map *map;
    bpf_object__for_each_map(map, obj) {
        size_t size = 0;
        const void *initial = bpf_map__initial_value(map, &size);
        char hash[17] = "-";
        if (initial) {
            snprintf(hash, sizeof(hash), "%016llx", (unsigned long long) fnv1a(initial, size));
        }
        printf("map\t%s\t%d\t%u\t%u\t%u\t%u\t%d\t%s\n", bpf_map__name(map), bpf_map__type(map),
               bpf_map__key_size(map), bpf_map__value_size(map), bpf_map__max_entries(map),
               bpf_map__map_flags(map), bpf_map__pin_path(map) != NULL, hash);
    }
    if (pin_root) {
        first_warning[0] = '\0';
        int err = bpf_object__load(obj);
        if (err) {
            printf("load\tfailed\t%d\t%s\n", -err, first_warning);
        } else {
            printf("load\tok\n");
        }
        // The caller's pin directory is its own: whatever is pinned there is this run's to remove.
        bpf_object__unpin_maps(obj, NULL);
    }
    bpf_object__close(obj);
    return 0;
}
