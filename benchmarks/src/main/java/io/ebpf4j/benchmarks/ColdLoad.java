package io.ebpf4j.benchmarks;

import io.ebpf4j.BpfCollection;
import io.ebpf4j.CollectionSpec;

import java.io.IOException;
import java.io.InputStream;

/**
 * The first {@code CollectionSpec.load} + {@code BpfCollection.load} of {@code five_programs.bpf.o} in this JVM, in
 * microseconds on one line: what {@code cold-start.sh} runs in fresh JVMs with and without class data sharing and
 * the AOT cache.
 */
public final class ColdLoad {
    private ColdLoad() {}

    public static void main(String[] args) throws IOException {
        byte[] object;
        try (InputStream in = ColdLoad.class.getResourceAsStream("/bpf/five_programs.bpf.o")) {
            object = in.readAllBytes();
        }
        long start = System.nanoTime();
        CollectionSpec spec = CollectionSpec.load(object);
        long parsed = System.nanoTime();
        try (BpfCollection collection = BpfCollection.load(spec)) {
            long loaded = System.nanoTime();
            System.out.println((parsed - start) / 1000 + " " + (loaded - parsed) / 1000);
        }
    }
}
