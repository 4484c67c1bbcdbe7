package io.ebpf4j;

import io.ebpf4j.testing.LibbpfInventory;
import io.ebpf4j.testing.RequiresKernel;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.fail;

/**
 * Differential test against libbpf on code nobody on this project wrote: the third-party corpus that
 * {@code src/test/corpus/build-corpus.sh} builds from Debian packages (its directory is given as
 * {@code -Debpf4j.corpus=DIRECTORY}; {@code .ci/run} builds it and runs this test in a phase of its own). For every
 * object it compares ebpf4j's {@link CollectionSpec} with libbpf's reading, then loads the object with both into the
 * running kernel. An object fails when libbpf opens or loads it and ebpf4j does not, when the two read it
 * differently, or when ebpf4j throws anything but a {@link BpfException} — unless {@code known-differences.tsv} beside
 * the script lists that difference with its issue-12 class and reason; a listed difference that no longer occurs
 * fails too, so the list only shrinks. Big-endian objects, which libbpf does not open on this machine and nobody can
 * load here, are compared with their little-endian twins instead. A table of counts goes to stdout for the CI log.
 */
@RequiresKernel
class CorpusCompatibilityTest {
    static final String PROPERTY = "ebpf4j.corpus";
    private static final Path KNOWN_DIFFERENCES = Path.of("src/test/corpus/known-differences.tsv");
    private static final List<String> ACCEPTABLE_KINDS = List.of("open", "inventory", "load", "twin");
    private static final Path PIN_ROOT = Path.of("/sys/fs/bpf/ebpf4j-corpus-" + ProcessHandle.current().pid());

    /** What happened to one object; printed in the table at the end. */
    record Outcome(String object, String origin, boolean libbpfOpened, boolean libbpfLoaded, boolean ebpf4jOpened,
            boolean ebpf4jLoaded, boolean twin, List<ProgramType> programTypes, Map<String, String> differences,
            Map<String, String> acceptedClasses) {}

    /** Manifest row: the object's path under the corpus directory, its package and its little-endian twin, if any. */
    record Entry(String object, String origin, String twin) {}

    private static final List<Outcome> OUTCOMES = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> everyObjectAsLibbpf() throws IOException {
        String directory = System.getProperty(PROPERTY);
        if (directory == null) {
            // A skipped test rather than an aborted factory: that would leave a report without any test case.
            return Stream.of(DynamicTest.dynamicTest("no corpus given", () -> Assumptions.abort("corpus: no corpus "
                    + "given (-D" + PROPERTY + "=DIRECTORY, built by core/src/test/corpus/build-corpus.sh); .ci/run "
                    + "builds it and runs this test on it")));
        }
        Path corpus = Path.of(directory);
        Path manifest = corpus.resolve("manifest.tsv");
        if (!Files.isRegularFile(manifest)) {
            fail("no corpus at %s (%s is missing): build it with core/src/test/corpus/build-corpus.sh %s", corpus,
                    manifest, corpus);
        }
        List<Entry> entries = Files.readAllLines(manifest).stream().skip(1).map(line -> line.split("\t", -1))
                .map(f -> new Entry(f[0], f[1] + " " + f[2], f[6].equals("-") ? null : f[6])).toList();
        Map<String, Map<String, KnownDifference>> known = knownDifferences();
        List<String> unknownObjects = known.keySet().stream()
                .filter(o -> entries.stream().noneMatch(e -> e.object().equals(o))).toList();
        if (!unknownObjects.isEmpty()) {
            fail("%s lists objects the corpus does not have: %s", KNOWN_DIFFERENCES, unknownObjects);
        }
        return entries.stream().map(entry -> DynamicTest.dynamicTest(entry.object(),
                () -> check(corpus, entry, known.getOrDefault(entry.object(), Map.of()))));
    }

    private static void check(Path corpus, Entry entry, Map<String, KnownDifference> known) throws IOException {
        Path file = corpus.resolve(entry.object());
        Path pins = Files.createDirectories(PIN_ROOT.resolve("libbpf"));
        LibbpfInventory libbpf;
        try {
            libbpf = LibbpfInventory.openAndLoad(file, pins);
        } finally {
            deleteRecursively(pins);
        }
        Map<String, String> differences = new LinkedHashMap<>();
        CollectionSpec spec = null;
        try {
            spec = CollectionSpec.load(file);
        } catch (BpfException e) {
            if (libbpf.opened()) {
                differences.put("open", "libbpf opens it, ebpf4j does not: " + e);
            }
        } catch (RuntimeException e) {
            differences.put("exception", "opening threw " + e);
        }
        boolean loaded = false;
        if (entry.twin() != null) {
            CollectionSpec littleEndian = openOrNull(corpus.resolve(entry.twin()));
            if (spec != null && littleEndian != null) {
                twinDifference(spec, littleEndian).ifPresent(d -> differences.put("twin", d));
            } else if ((spec == null) != (littleEndian == null)) {
                differences.put("twin", "ebpf4j opens only the " + (spec == null ? "little" : "big") + "-endian object");
            }
        } else if (spec != null) {
            List<String> inventory = libbpf.opened() ? libbpf.differencesFrom(spec) : List.of();
            if (!inventory.isEmpty()) {
                differences.put("inventory", String.join("; ", inventory));
            }
            try {
                String failure = load(spec);
                loaded = failure == null;
                if (failure != null && libbpf.loaded()) {
                    differences.put("load", "libbpf loads it, ebpf4j does not: " + failure);
                }
            } catch (RuntimeException e) {
                differences.put("exception", "loading threw " + e);
            }
        }
        Map<String, String> accepted = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        differences.forEach((kind, detail) -> {
            KnownDifference listed = known.get(kind);
            if (listed == null) {
                problems.add(kind + ": " + detail);
            } else if (detail.contains(listed.message())) {
                accepted.put(kind, listed.issueClass());
            } else {
                problems.add(kind + ": " + detail + "\n  known-differences.tsv expects a difference containing \""
                        + listed.message() + "\" (class " + listed.issueClass() + "): the cause changed, reclassify it");
            }
        });
        known.keySet().stream().filter(kind -> !differences.containsKey(kind)).forEach(kind -> problems.add(
                "known-differences.tsv lists a '" + kind + "' difference that no longer occurs: remove the entry"));
        synchronized (OUTCOMES) {
            OUTCOMES.add(new Outcome(entry.object(), entry.origin(), libbpf.opened(), libbpf.loaded(), spec != null,
                    loaded, entry.twin() != null, spec == null ? List.of()
                            : spec.programs().values().stream().map(ProgramSpec::type).toList(),
                    differences, accepted));
        }
        if (!problems.isEmpty()) {
            fail("%s (%s):%n  %s", entry.object(), entry.origin(), String.join("\n  ", problems));
        }
    }

    private static CollectionSpec openOrNull(Path object) {
        try {
            return CollectionSpec.load(object);
        } catch (BpfException e) {
            return null;
        }
    }

    /**
     * Loads the spec into the kernel and closes it again: null when it loaded, else the BpfException's summary.
     * Other exceptions are thrown.
     */
    private static String load(CollectionSpec spec) throws IOException {
        Path pins = Files.createDirectories(PIN_ROOT.resolve("ebpf4j"));
        try (BpfCollection ignored = BpfCollection.load(spec, CollectionOptions.defaults()
                .withPinPath(pins.toString()))) {
            return null;
        } catch (BpfException e) {
            return e.getClass().getSimpleName() + ": " + summary(e.getMessage());
        } finally {
            deleteRecursively(pins);
        }
    }

    /**
     * How ebpf4j's readings of two byte orders of one object differ in what must not depend on the byte order: the
     * programs (section, type, attach type, autoload, functions) and maps (type, sizes, flags, pinning). The code
     * itself may differ: clang picks other loads, offsets and constants for big-endian data.
     */
    private static Optional<String> twinDifference(CollectionSpec bigEndian, CollectionSpec littleEndian) {
        Map<String, Object> big = byteOrderIndependent(bigEndian);
        Map<String, Object> little = byteOrderIndependent(littleEndian);
        if (big.equals(little)) {
            return Optional.empty();
        }
        Set<String> names = new TreeSet<>(big.keySet());
        names.addAll(little.keySet());
        String first = names.stream().filter(n -> !Objects.equals(big.get(n), little.get(n))).findFirst()
                .orElseThrow();
        return Optional.of(first + ": big-endian " + big.get(first) + ", little-endian " + little.get(first));
    }

    record ProgramShape(String section, ProgramType type, AttachType attachType, boolean autoload,
            Set<String> functions) {}

    record MapShape(MapType type, int keySize, int valueSize, int maxEntries, int flags, Pinning pinning) {}

    private static Map<String, Object> byteOrderIndependent(CollectionSpec spec) {
        Map<String, Object> shapes = new TreeMap<>();
        spec.programs().forEach((name, p) -> shapes.put("program " + name, new ProgramShape(p.sectionName(),
                p.type(), p.attachType(), p.autoload(), new TreeSet<>(p.instructions().functionOffsets()
                        .keySet()))));
        spec.maps().forEach((name, m) -> shapes.put("map " + name, new MapShape(m.type(), m.keySize(),
                m.valueSize(), m.maxEntries(), m.flags(), m.pinning())));
        return shapes;
    }

    /** A line of known-differences.tsv: the difference's detail must contain {@code message}. */
    record KnownDifference(String issueClass, String message) {}

    /** known-differences.tsv: object → kind of difference → what is known of it. */
    private static Map<String, Map<String, KnownDifference>> knownDifferences() throws IOException {
        Map<String, Map<String, KnownDifference>> known = new TreeMap<>();
        for (String line : Files.readAllLines(KNOWN_DIFFERENCES)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 5 || !ACCEPTABLE_KINDS.contains(f[1]) || Stream.of(f).anyMatch(String::isBlank)) {
                throw new IllegalStateException(KNOWN_DIFFERENCES + ": want object, kind (one of " + ACCEPTABLE_KINDS
                        + "), issue-12 class, message and reason, tab-separated: " + line);
            }
            known.computeIfAbsent(f[0], o -> new TreeMap<>()).put(f[1], new KnownDifference(f[2], f[3]));
        }
        return known;
    }

    @AfterAll
    static void printCounts() {
        deleteRecursively(PIN_ROOT);
        if (OUTCOMES.isEmpty()) {
            return;
        }
        Map<String, List<Outcome>> byOrigin = new TreeMap<>();
        for (Outcome o : OUTCOMES) {
            byOrigin.computeIfAbsent(o.origin(), k -> new ArrayList<>()).add(o);
        }
        StringBuilder table = new StringBuilder("\n[corpus] libbpf compared with ebpf4j, per origin (objects: opened "
                + "by libbpf / by ebpf4j, loaded by libbpf / by ebpf4j; big-endian twins are only read by ebpf4j)\n");
        String format = "[corpus] %-48s %7s %9s %9s %9s %9s %7s %9s%n";
        table.append(String.format(format, "origin", "objects", "lib open", "e4j open", "lib load", "e4j load",
                "differ", "accepted"));
        byOrigin.forEach((origin, outcomes) -> table.append(row(format, origin, outcomes)));
        table.append(row(format, "total", OUTCOMES));
        List<Outcome> twins = OUTCOMES.stream().filter(Outcome::twin).toList();
        table.append(String.format("[corpus] big-endian objects read like their little-endian twins: %d of %d (%d "
                + "opened in neither byte order)%n", count(twins, o -> !o.differences().containsKey("twin")),
                twins.size(), count(twins, o -> !o.ebpf4jOpened() && !o.differences().containsKey("twin"))));
        Map<ProgramType, Integer> programTypes = new TreeMap<>();
        OUTCOMES.forEach(o -> o.programTypes().forEach(t -> programTypes.merge(t, 1, Integer::sum)));
        table.append("[corpus] programs ebpf4j read, by type: ").append(programTypes).append('\n');
        // What ebpf4j accepts beyond libbpf 1.1 (legacy "maps" sections, cilium's test objects...): documented here.
        OUTCOMES.stream().filter(o -> !o.twin() && (o.ebpf4jOpened() && !o.libbpfOpened()
                        || o.ebpf4jLoaded() && !o.libbpfLoaded()))
                .forEach(o -> table.append("[corpus]   beyond libbpf: ").append(o.object()).append(" ebpf4j ")
                        .append(o.ebpf4jLoaded() ? "loads" : "opens").append(" it, libbpf ")
                        .append(o.libbpfOpened() ? "only opens it" : "does not open it").append('\n'));
        Map<String, Integer> kinds = new TreeMap<>();
        OUTCOMES.forEach(o -> o.differences().keySet().forEach(k -> kinds.merge(k, 1, Integer::sum)));
        table.append("[corpus] differences by kind: ").append(kinds.isEmpty() ? "none" : kinds).append('\n');
        OUTCOMES.stream().filter(o -> !o.differences().isEmpty())
                .sorted(Comparator.comparing(Outcome::object))
                .forEach(o -> o.differences().forEach((kind, detail) -> table.append("[corpus]   ")
                        .append(o.acceptedClasses().containsKey(kind)
                                ? "known [" + o.acceptedClasses().get(kind) + "] " : "NEW ")
                        .append(o.object()).append(' ')
                        .append(kind).append(": ").append(firstLine(detail)).append('\n')));
        System.out.print(table);
    }

    private static String row(String format, String origin, List<Outcome> outcomes) {
        return String.format(format, origin, outcomes.size(), count(outcomes, Outcome::libbpfOpened),
                count(outcomes, Outcome::ebpf4jOpened), count(outcomes, Outcome::libbpfLoaded),
                count(outcomes, Outcome::ebpf4jLoaded), count(outcomes, o -> !o.differences().isEmpty()),
                count(outcomes, o -> !o.acceptedClasses().isEmpty()));
    }

    private static long count(List<Outcome> outcomes, Predicate<Outcome> condition) {
        return outcomes.stream().filter(condition).count();
    }

    /** The first line of a message and, for a verifier log, its last line too: the verifier's reason. */
    private static String summary(String message) {
        List<String> lines = message == null ? List.of() : message.strip().lines().toList();
        return lines.size() < 2 ? String.join("", lines) : lines.get(0) + " ... " + lines.get(lines.size() - 1);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pins under " + root, e);
        }
    }
}
