package io.ebpf4j.e2e;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The JDK running the tests, lent read-only to a container that has none: its home, plus the directories under /etc
 * its files link to (Debian's OpenJDK keeps conf/ and lib/jvm.cfg in /etc/java-17-openjdk; without them the JVM
 * starts but fails to load java.security).
 */
final class HostJdk {
    private HostJdk() {}

    static Path home() {
        try {
            return Path.of(System.getProperty("java.home")).toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String java() {
        return home().resolve("bin/java").toString();
    }

    static List<Bind> binds() {
        Path home = home();
        Set<Path> sources = new LinkedHashSet<>();
        sources.add(home);
        try (Stream<Path> files = Files.walk(home)) {
            files.filter(Files::isSymbolicLink).forEach(link -> {
                try {
                    Path target = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
                    if (!target.startsWith(home) && target.startsWith("/etc") && target.getNameCount() > 1
                            && Files.exists(target)) {
                        sources.add(Path.of("/etc", target.getName(1).toString()));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources.stream().map(p -> new Bind(p.toString(), new Volume(p.toString()), AccessMode.ro)).toList();
    }
}
