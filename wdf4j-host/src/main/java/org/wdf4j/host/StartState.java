package org.wdf4j.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import org.wdf4j.framework.NameRule;

/**
 * What a host on a state directory brings back when it starts, as Windows keeps the root-enumerated device nodes it
 * created (the registry's Enum key) and starts their drivers at boot: the drivers the user started ({@code wdf4j
 * driver start}) and the devices the user added ({@code wdf4j device add}, with their instance IDs and whether they
 * are disabled), in that order. {@code STATE/start-state}, one record a line:
 *
 * <pre>
 * driver echo verifier=on hosting=pooled
 * device ROOT\ECHO\0000 ROOT\ECHO
 * device ROOT\ECHO\0001 ROOT\ECHO disabled
 * </pre>
 *
 * <p>Every change rewrites the file atomically ({@link AtomicFiles}: a temporary file, forced to disk, renamed over it,
 * the directory forced): after a crash it is the old or the new one, whole. A line that cannot be read (edited by
 * hand, damaged) is reported by {@link #problems()}, and the file as it was is kept as {@code start-state.damaged}
 * before anything is written over it: nothing is lost.
 *
 * <p>Thread-safe: every method holds this object's lock.
 */
public final class StartState {

    static final String FILE = "start-state";
    static final String DAMAGED = FILE + ".damaged";
    private static final String HEADER = "# wdf4j start state: the drivers the user started and the devices added with "
            + "wdf4j device add, brought back in this order when wdf4j host starts (unless --clean-start). Written by "
            + "the host: change it with wdf4j driver start|stop and wdf4j device add|remove|disable|enable.\n";

    /**
     * A driver the user started.
     *
     * @param verifier whether it runs with the verifier
     * @param hosting where the user said it runs, or null (as its install or package says, else the host's default)
     */
    public record DriverStart(String name, boolean verifier, HostingModel hosting) {
    }

    /** A device node the user added, with the instance ID it was given. */
    public record Device(String instanceId, String hardwareId, boolean disabled) {
    }

    private final Path file;
    /** The drivers to start, in order; replaced, never changed in place. Guarded by {@code this}. */
    private List<DriverStart> drivers;
    /** The devices to add back, in order; replaced, never changed in place. Guarded by {@code this}. */
    private List<Device> devices;
    /** What could not be read when the file was loaded; never changes. */
    private final List<String> problems;

    private StartState(Path file, List<DriverStart> drivers, List<Device> devices, List<String> problems) {
        this.file = file;
        this.drivers = List.copyOf(drivers);
        this.devices = List.copyOf(devices);
        this.problems = List.copyOf(problems);
    }

    /** Reads {@code STATE/start-state} (none: nothing to bring back); keeps a damaged one as start-state.damaged. */
    static StartState load(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new StartState(file, List.of(), List.of(), List.of());
        } catch (java.nio.charset.CharacterCodingException e) {
            lines = List.of("(not UTF-8 text)");
        }
        List<DriverStart> drivers = new ArrayList<>();
        List<Device> devices = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Optional<String> problem = parse(line, drivers, devices);
            problem.ifPresent(p -> problems.add(file + ": " + p));
        }
        if (!problems.isEmpty()) {
            AtomicFiles.write(stateDir.resolve(DAMAGED), Files.readAllBytes(file));
            problems.add("the file as it was is kept as " + stateDir.resolve(DAMAGED) + "; the records above are not "
                    + "brought back (add them again with wdf4j driver start or wdf4j device add)");
        }
        return new StartState(file, drivers, devices, problems);
    }

    /** Parses one record into {@code drivers} or {@code devices}; answers what is wrong with it, if anything. */
    private static Optional<String> parse(String line, List<DriverStart> drivers, List<Device> devices) {
        String[] words = line.split(" ");
        try {
            switch (words[0]) {
                case "driver" -> {
                    String name = NameRule.DRIVER_NAME.check(words[1]);
                    boolean verifier = true;
                    HostingModel hosting = null;
                    for (int w = 2; w < words.length; w++) {
                        switch (words[w]) {
                            case "verifier=on" -> verifier = true;
                            case "verifier=off" -> verifier = false;
                            default -> {
                                if (!words[w].startsWith("hosting=")) {
                                    throw new IllegalArgumentException("unknown word " + words[w]);
                                }
                                hosting = HostingModel.parse(words[w].substring("hosting=".length()));
                            }
                        }
                    }
                    drivers.removeIf(d -> d.name().equals(name));
                    drivers.add(new DriverStart(name, verifier, hosting));
                }
                case "device" -> {
                    String instanceId = words[1].toUpperCase(Locale.ROOT);
                    String hardwareId = NameRule.HARDWARE_ID.check(words[2]);
                    if (words.length > 4 || words.length == 4 && !words[3].equals("disabled")) {
                        throw new IllegalArgumentException("unknown words after the hardware ID");
                    }
                    if (devices.stream().anyMatch(d -> d.instanceId().equals(instanceId))) {
                        throw new IllegalArgumentException("a second record of " + instanceId);
                    }
                    devices.add(new Device(instanceId, hardwareId, words.length == 4));
                }
                default -> throw new IllegalArgumentException("not a driver or device record");
            }
            return Optional.empty();
        } catch (RuntimeException e) { // IllegalArgumentException, ArrayIndexOutOfBoundsException
            return Optional.of("cannot read the record '" + line + "': " + e.getMessage());
        }
    }

    public synchronized List<DriverStart> drivers() {
        return drivers;
    }

    public synchronized List<Device> devices() {
        return devices;
    }

    /** What could not be read when the file was loaded (empty when it was whole), with where the original is kept. */
    public List<String> problems() {
        return problems;
    }

    /** The user started a driver: it is started again when a host starts (its earlier record is replaced). */
    public synchronized void driverStarted(String name, boolean verifier, HostingModel hosting) throws IOException {
        List<DriverStart> next = new ArrayList<>(drivers);
        next.removeIf(d -> d.name().equals(name));
        next.add(new DriverStart(name, verifier, hosting));
        save(next, devices);
    }

    /** The user stopped (or uninstalled) a driver: it is no longer started with the host. Answers whether it was. */
    public synchronized boolean driverStopped(String name) throws IOException {
        return dropDriver(d -> d.name().equals(name));
    }

    /** The user added a device (not with {@code --once}): it is added back, with this instance ID, when a host starts. */
    public synchronized void deviceAdded(String instanceId, String hardwareId) throws IOException {
        List<Device> next = new ArrayList<>(devices);
        next.removeIf(d -> d.instanceId().equalsIgnoreCase(instanceId));
        next.add(new Device(instanceId.toUpperCase(Locale.ROOT), hardwareId, false));
        save(drivers, next);
    }

    /** The user removed a device (or it was surprise-removed): it is forgotten. Answers whether it was remembered. */
    public synchronized boolean deviceRemoved(String instanceId) throws IOException {
        List<Device> next = new ArrayList<>(devices);
        if (!next.removeIf(d -> d.instanceId().equalsIgnoreCase(instanceId))) {
            return false;
        }
        save(drivers, next);
        return true;
    }

    /** The user disabled or enabled a remembered device: it comes back so. Nothing for a device not remembered. */
    public synchronized void deviceDisabled(String instanceId, boolean disabled) throws IOException {
        List<Device> next = new ArrayList<>();
        boolean changed = false;
        for (Device d : devices) {
            if (d.instanceId().equalsIgnoreCase(instanceId) && d.disabled() != disabled) {
                next.add(new Device(d.instanceId(), d.hardwareId(), disabled));
                changed = true;
            } else {
                next.add(d);
            }
        }
        if (changed) {
            save(drivers, next);
        }
    }

    private boolean dropDriver(Predicate<DriverStart> which) throws IOException {
        List<DriverStart> next = new ArrayList<>(drivers);
        if (!next.removeIf(which)) {
            return false;
        }
        save(next, devices);
        return true;
    }

    /** Writes the records atomically, then makes them this object's; the caller holds {@code this}. */
    private void save(List<DriverStart> nextDrivers, List<Device> nextDevices) throws IOException {
        StringBuilder text = new StringBuilder(HEADER);
        for (DriverStart d : nextDrivers) {
            text.append("driver ").append(d.name()).append(d.verifier() ? " verifier=on" : " verifier=off")
                    .append(d.hosting() == null ? "" : " hosting=" + d.hosting().label()).append('\n');
        }
        for (Device d : nextDevices) {
            text.append("device ").append(d.instanceId()).append(' ').append(d.hardwareId())
                    .append(d.disabled() ? " disabled" : "").append('\n');
        }
        AtomicFiles.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        drivers = List.copyOf(nextDrivers);
        devices = List.copyOf(nextDevices);
    }
}
