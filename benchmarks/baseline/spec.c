// C baseline for the specification benchmarks, with libbpf: opening an object (bpf_object__open_mem), opening and
// loading it into the kernel, parsing the kernel's BTF with a walk over every type and name, and parsing it with a
// walk over every member, enumerator and parameter (btf__type_by_id + btf_members/btf_enum/btf_enum64/btf_params).
// With "cold" after the object, it prints only the time of the first open + load in this process.
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

// Sums every type's name offset and every member's name offset, type id, bit offset and bitfield size, every
// enumerator's name offset and value (as ebpf4j's RawType reads it: a signed or unsigned 32-bit value widened, or the
// 64-bit value), and every parameter's name offset and type id.
static long walk(const struct btf *btf) {
    long sum = 0;
    int count = btf__type_cnt(btf);
    for (int id = 1; id < count; id++) {
        const struct btf_type *t = btf__type_by_id(btf, id);
        int vlen = btf_vlen(t);
        sum += t->name_off;
        switch (btf_kind(t)) {
        case BTF_KIND_STRUCT:
        case BTF_KIND_UNION: {
            const struct btf_member *m = btf_members(t);
            for (int i = 0; i < vlen; i++, m++)
                sum += m->name_off + m->type + btf_member_bit_offset(t, i) + btf_member_bitfield_size(t, i);
            break;
        }
        case BTF_KIND_ENUM: {
            const struct btf_enum *e = btf_enum(t);
            for (int i = 0; i < vlen; i++, e++)
                sum += e->name_off + (btf_kflag(t) ? (long)e->val : (long)(unsigned)e->val);
            break;
        }
        case BTF_KIND_ENUM64: {
            const struct btf_enum64 *e = btf_enum64(t);
            for (int i = 0; i < vlen; i++, e++)
                sum += e->name_off + (long)btf_enum64_value(e);
            break;
        }
        case BTF_KIND_FUNC_PROTO: {
            const struct btf_param *p = btf_params(t);
            for (int i = 0; i < vlen; i++, p++)
                sum += p->name_off + p->type;
            break;
        }
        }
    }
    return sum;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list args) { return 0; }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s object.bpf.o\n", argv[0]); return 2; }
    libbpf_set_print(quiet);
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    char *buf = malloc(size);
    if (fread(buf, 1, size, f) != (size_t)size) { perror("read"); return 1; }
    fclose(f);

    if (argc > 2 && strcmp(argv[2], "cold") == 0) {
        // The first open + load in a fresh process: what collectionLoadCold measures in a fresh JVM.
        double t = now_ns();
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (!obj || bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
        bpf_object__close(obj);
        printf("%.1f\n", now_ns() - t);
        return 0;
    }

    int n = 2000;
    for (int i = 0; i < 200; i++) bpf_object__close(bpf_object__open_mem(buf, size, NULL));  // warm-up
    double t0 = now_ns();
    for (int i = 0; i < n; i++) {
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (!obj) { fprintf(stderr, "open failed\n"); return 1; }
        bpf_object__close(obj);
    }
    printf("specLoad %.1f\n", (now_ns() - t0) / n);

    int loads = 100;
    for (int i = 0; i < 10; i++) {
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
        bpf_object__close(obj);
    }
    t0 = now_ns();
    for (int i = 0; i < loads; i++) {
        struct bpf_object *obj = bpf_object__open_mem(buf, size, NULL);
        if (bpf_object__load(obj)) { fprintf(stderr, "load failed\n"); return 1; }
        bpf_object__close(obj);
    }
    printf("collectionLoad %.1f\n", (now_ns() - t0) / loads);

    int parses = 50;
    long names = 0;
    t0 = now_ns();
    for (int i = 0; i < parses; i++) {
        struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
        if (!btf) { fprintf(stderr, "btf parse failed\n"); return 1; }
        int count = btf__type_cnt(btf);
        for (int id = 1; id < count; id++) {
            const struct btf_type *t = btf__type_by_id(btf, id);
            names += strlen(btf__name_by_offset(btf, t->name_off));
        }
        btf__free(btf);
    }
    printf("vmlinuxBtf %.1f\n", (now_ns() - t0) / parses);

    long sum = 0;
    t0 = now_ns();
    for (int i = 0; i < parses; i++) {
        struct btf *btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
        if (!btf) { fprintf(stderr, "btf parse failed\n"); return 1; }
        sum = walk(btf);
        btf__free(btf);
    }
    printf("vmlinuxWalk %.1f\n", (now_ns() - t0) / parses);
    fprintf(stderr, "vmlinuxWalk checksum %ld\n", sum);
    return names == 0 || sum == 0;
}
