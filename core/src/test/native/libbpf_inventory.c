// Prints what libbpf makes of a BPF object after opening it (no kernel access): one line per program and map,
// tab-separated, for LibbpfCompatibilityTest to compare with ebpf4j's CollectionSpec.
//   libbpf <major> <minor>   (the version that read the object)
//   prog <name> <section> <type> <expected attach type> <instruction count> <autoload>
//   map  <name> <type> <key size> <value size> <max entries> <flags>
#include <bpf/libbpf.h>
#include <stdio.h>

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) { return 0; }

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s object.bpf.o\n", argv[0]);
        return 2;
    }
    libbpf_set_print(quiet);
    printf("libbpf\t%u\t%u\n", libbpf_major_version(), libbpf_minor_version());
    struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
    if (!obj) {
        fprintf(stderr, "libbpf cannot open %s\n", argv[1]);
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
        printf("map\t%s\t%d\t%u\t%u\t%u\t%u\n", bpf_map__name(map), bpf_map__type(map), bpf_map__key_size(map),
               bpf_map__value_size(map), bpf_map__max_entries(map), bpf_map__map_flags(map));
    }
    bpf_object__close(obj);
    return 0;
}
