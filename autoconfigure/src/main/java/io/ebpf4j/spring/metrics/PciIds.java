package io.ebpf4j.spring.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names from the PCI ID database ({@code pci.ids}, from the pciutils or hwdata package) for the {@code pci-vendor},
 * {@code pci-device}, {@code pci-class} and {@code pci-subclass} decoders. Read on first use from the first file
 * that exists; without one every lookup answers {@value #MISSING}, as ebpf_exporter does.
 */
final class PciIds {
    static final String MISSING = "missing pci.ids db";
    static final List<Path> SYSTEM_PATHS = List.of(Path.of("/usr/share/misc/pci.ids"),
            Path.of("/usr/share/hwdata/pci.ids"), Path.of("/usr/share/pci.ids"));

    private final List<Path> candidates;
    private volatile Database database;

    private record Database(Map<Integer, String> vendors, Map<Integer, String> devices, Map<Integer, String> classes,
            Map<Integer, String> subclasses) {}

    PciIds(List<Path> candidates) {
        this.candidates = List.copyOf(candidates);
    }

    /** Vendor id (decimal text) to vendor name. */
    String vendor(byte[] input) {
        Database db = database();
        if (db == null) {
            return MISSING;
        }
        int id = parse(input);
        String name = db.vendors.get(id);
        return name != null ? name : "unknown pci vendor: 0x" + hex(id, 4);
    }

    /** {@code vendor << 16 | device} (decimal text) to device name. */
    String device(byte[] input) {
        Database db = database();
        if (db == null) {
            return MISSING;
        }
        int id = parse(input);
        String name = db.devices.get(id);
        return name != null ? name : "unknown pci device: 0x" + hex(id, 8);
    }

    /** Class id (decimal text) to class name. */
    String deviceClass(byte[] input) {
        Database db = database();
        if (db == null) {
            return MISSING;
        }
        int id = parse(input);
        String name = db.classes.get(id);
        return name != null ? name : "unknown pci class: 0x" + hex(id, 2);
    }

    /** {@code class << 8 | subclass} (decimal text) to subclass name. */
    String subclass(byte[] input) {
        Database db = database();
        if (db == null) {
            return MISSING;
        }
        int id = parse(input);
        int classId = id >>> 8;
        if (!db.classes.containsKey(classId)) {
            return "unknown pci class: 0x" + hex(classId, 2);
        }
        String name = db.subclasses.get(id);
        return name != null ? name
                : "unknown pci subclass: 0x" + hex(id & 0xff, 2) + " (class 0x" + hex(classId, 2) + ")";
    }

    private static int parse(byte[] input) {
        return (int) Long.parseLong(new String(input, StandardCharsets.UTF_8));
    }

    private static String hex(int value, int digits) {
        String s = Integer.toHexString(value);
        return s.length() >= digits ? s : "0".repeat(digits - s.length()) + s;
    }

    private Database database() {
        Database db = database;
        if (db == null) {
            synchronized (this) {
                if (database == null) {
                    for (Path candidate : candidates) {
                        if (Files.isReadable(candidate)) {
                            database = read(candidate);
                            break;
                        }
                    }
                }
                db = database;
            }
        }
        return db;
    }

    static Database read(Path file) {
        Map<Integer, String> vendors = new HashMap<>();
        Map<Integer, String> devices = new HashMap<>();
        Map<Integer, String> classes = new HashMap<>();
        Map<Integer, String> subclasses = new HashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int vendor = -1;
            int deviceClass = -1;
            while ((line = in.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("C ")) {
                    // "C cc  name"
                    vendor = -1;
                    deviceClass = Integer.parseInt(line.substring(2, 4), 16);
                    classes.put(deviceClass, line.substring(4).trim());
                } else if (line.startsWith("\t\t")) {
                    continue; // subsystems and programming interfaces
                } else if (line.startsWith("\t")) {
                    String entry = line.substring(1);
                    int space = entry.indexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    int id = Integer.parseInt(entry.substring(0, space), 16);
                    String name = entry.substring(space).trim();
                    if (vendor >= 0) {
                        devices.put(vendor << 16 | id, name);
                    } else if (deviceClass >= 0) {
                        subclasses.put(deviceClass << 8 | id, name);
                    }
                } else if (Character.digit(line.charAt(0), 16) >= 0) {
                    // "vvvv  name"
                    deviceClass = -1;
                    int space = line.indexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    vendor = Integer.parseInt(line.substring(0, space), 16);
                    vendors.put(vendor, line.substring(space).trim());
                } else {
                    vendor = -1; // an unknown section
                    deviceClass = -1;
                }
            }
        } catch (IOException | NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalStateException("cannot read the PCI ID database " + file + ": " + e.getMessage(), e);
        }
        return new Database(Map.copyOf(vendors), Map.copyOf(devices), Map.copyOf(classes), Map.copyOf(subclasses));
    }
}
