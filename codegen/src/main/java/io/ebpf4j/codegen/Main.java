package io.ebpf4j.codegen;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The generator from the command line, for objects compiled outside a Maven build:
 * {@code java -jar ebpf4j-codegen-cli.jar generate counter.bpf.o --package com.example --out src/main/java}.
 */
public final class Main {
    private static final String USAGE = """
            usage: generate <object.bpf.o>... --package <java.package> --out <source root>
                            [--type <c type name>]... [--resource <class path location of the object>]
              Writes XxxObjects.java for each object: records for map keys, values and the named types,
              typed accessors for maps, programs and globals. --resource defaults to bpf/<object file name>.""";

    private Main() {}

    public static void main(String[] args) {
        try {
            for (Path written : run(List.of(args))) {
                System.out.println(written);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
        }
    }

    /** Runs the command, returning the files written. */
    static List<Path> run(List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("generate")) {
            throw new IllegalArgumentException("the only command is 'generate'");
        }
        List<Path> objects = new ArrayList<>();
        Set<String> types = new LinkedHashSet<>();
        String packageName = null;
        Path out = null;
        String resource = null;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--package" -> packageName = value(args, ++i, arg);
                case "--out" -> out = Path.of(value(args, ++i, arg));
                case "--type" -> types.add(value(args, ++i, arg));
                case "--resource" -> resource = value(args, ++i, arg);
                default -> {
                    if (arg.startsWith("--")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    }
                    objects.add(Path.of(arg));
                }
            }
        }
        if (objects.isEmpty() || packageName == null || out == null) {
            throw new IllegalArgumentException("an object, --package and --out are required");
        }
        if (resource != null && objects.size() > 1) {
            throw new IllegalArgumentException("--resource names one object's location: give one object with it");
        }
        Generator generator = Generator.forPackage(packageName).withTypes(types);
        if (resource != null) {
            generator = generator.withResource(resource);
        }
        List<Path> written = new ArrayList<>();
        for (Path object : objects) {
            written.add(generator.generate(object, out));
        }
        return written;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }
}
