package org.wdf4j.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.regex.Pattern;
import org.wdf4j.framework.NameRule;

/**
 * What a driver package says about the device stacks it takes part in, as an INF does in Windows: its version (the
 * INF's {@code DriverVer}, which breaks ties between drivers of equal rank, ST2), the setup class of the devices it
 * drives (the INF's {@code Class}), the filters of the devices it drives (the {@code UpperFilters} and
 * {@code LowerFilters} values its INF writes to their hardware key, ST3), and the classes it is a class filter of (the
 * {@code UpperFilters} and {@code LowerFilters} values of a class key).
 *
 * <pre>
 * Wdf4j-Driver-Version: 1.2                    (optional, default 0: numbers separated by dots, compared one by one)
 * Wdf4j-Class: Toaster                         (optional: the setup class of the devices it is function driver of)
 * Wdf4j-Upper-Filters: tupperfilter, tother    (optional: driver names, attached in this order above its devices)
 * Wdf4j-Lower-Filters: tlowerfilter            (optional: driver names, attached in this order below them)
 * Wdf4j-Class-Upper-Filter: Toaster            (optional: it is an upper filter of every device of these classes)
 * Wdf4j-Class-Lower-Filter: Toaster            (optional: the same, below the function driver)
 * </pre>
 *
 * <p>Each of these can be given, or replaced, when the package is installed ({@code wdf4j install --upper-filters
 * ...}), as an INF's values can be edited after it is installed.
 *
 * @param driverVersion e.g. {@code 1.2}; {@code 0} when not given
 * @param deviceClass the setup class of its devices, or null
 * @param upperFilters the upper filters of its devices, bottom first
 * @param lowerFilters the lower filters of its devices, bottom first
 * @param upperFilterOfClasses the classes it is an upper filter of
 * @param lowerFilterOfClasses the classes it is a lower filter of
 */
public record DeviceSetup(String driverVersion, String deviceClass, List<String> upperFilters,
                          List<String> lowerFilters, List<String> upperFilterOfClasses,
                          List<String> lowerFilterOfClasses) {

    public static final String DRIVER_VERSION_ATTRIBUTE = "Wdf4j-Driver-Version";
    public static final String CLASS_ATTRIBUTE = "Wdf4j-Class";
    public static final String UPPER_FILTERS_ATTRIBUTE = "Wdf4j-Upper-Filters";
    public static final String LOWER_FILTERS_ATTRIBUTE = "Wdf4j-Lower-Filters";
    public static final String CLASS_UPPER_FILTER_ATTRIBUTE = "Wdf4j-Class-Upper-Filter";
    public static final String CLASS_LOWER_FILTER_ATTRIBUTE = "Wdf4j-Class-Lower-Filter";

    /** Nothing said: version 0, no class, no filters. */
    public static final DeviceSetup NONE = new DeviceSetup("0", null, List.of(), List.of(), List.of(), List.of());

    private static final Pattern VERSION = Pattern.compile("\\d{1,9}(\\.\\d{1,9}){0,3}");
    private static final Pattern CLASS_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    public DeviceSetup {
        Objects.requireNonNull(driverVersion, "driverVersion");
        upperFilters = List.copyOf(upperFilters);
        lowerFilters = List.copyOf(lowerFilters);
        upperFilterOfClasses = List.copyOf(upperFilterOfClasses);
        lowerFilterOfClasses = List.copyOf(lowerFilterOfClasses);
    }

    /**
     * Reads the attributes of a manifest; the error names the file, the attribute, the value and what it should be.
     */
    static DeviceSetup fromManifest(Path jar, Attributes main) throws DriverPackageException {
        return parse(jar, main::getValue);
    }

    /**
     * Reads the same fields from any source of named values (a manifest's attributes by their names, a record's
     * properties by the same names); absent values are the defaults.
     */
    static DeviceSetup parse(Path source, java.util.function.Function<String, String> values)
            throws DriverPackageException {
        String version = values.apply(DRIVER_VERSION_ATTRIBUTE);
        version = version == null || version.isBlank() ? "0" : version.strip();
        if (!VERSION.matcher(version).matches()) {
            throw new DriverPackageException(source + ": " + DRIVER_VERSION_ATTRIBUTE + " '" + version
                    + "' is not a version: give up to four numbers separated by dots, e.g. 1.2 or 6.1.7600.16385");
        }
        String deviceClass = values.apply(CLASS_ATTRIBUTE);
        deviceClass = deviceClass == null || deviceClass.isBlank() ? null : checkClass(source, CLASS_ATTRIBUTE,
                deviceClass.strip());
        return new DeviceSetup(version, deviceClass,
                drivers(source, UPPER_FILTERS_ATTRIBUTE, values.apply(UPPER_FILTERS_ATTRIBUTE)),
                drivers(source, LOWER_FILTERS_ATTRIBUTE, values.apply(LOWER_FILTERS_ATTRIBUTE)),
                classes(source, CLASS_UPPER_FILTER_ATTRIBUTE, values.apply(CLASS_UPPER_FILTER_ATTRIBUTE)),
                classes(source, CLASS_LOWER_FILTER_ATTRIBUTE, values.apply(CLASS_LOWER_FILTER_ATTRIBUTE)));
    }

    /**
     * The install options ({@code wdf4j install --upper-filters a,b}) that replace what the package says, by option
     * name, to the attribute each replaces. An empty value clears the list.
     */
    public static final java.util.Map<String, String> INSTALL_OPTIONS = java.util.Map.of(
            "class", CLASS_ATTRIBUTE,
            "upper-filters", UPPER_FILTERS_ATTRIBUTE,
            "lower-filters", LOWER_FILTERS_ATTRIBUTE,
            "class-upper-filter", CLASS_UPPER_FILTER_ATTRIBUTE,
            "class-lower-filter", CLASS_LOWER_FILTER_ATTRIBUTE);

    /**
     * This setup with what the install options given replace ({@link #INSTALL_OPTIONS}; {@code option} answers an
     * option's value, or null when it was not given).
     *
     * @throws DriverPackageException naming the option's attribute and the value that is wrong
     */
    public DeviceSetup overriddenBy(Path source, java.util.function.Function<String, String> option)
            throws DriverPackageException {
        java.util.Map<String, String> values = toValues();
        boolean changed = false;
        for (var e : INSTALL_OPTIONS.entrySet()) {
            String value = option.apply(e.getKey());
            if (value != null) {
                values.put(e.getValue(), value);
                changed = true;
            }
        }
        return changed ? parse(source, values::get) : this;
    }

    /** The fields as named values (the manifest's attribute names), those that say something only. */
    java.util.Map<String, String> toValues() {
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put(DRIVER_VERSION_ATTRIBUTE, driverVersion);
        if (deviceClass != null) {
            values.put(CLASS_ATTRIBUTE, deviceClass);
        }
        putList(values, UPPER_FILTERS_ATTRIBUTE, upperFilters);
        putList(values, LOWER_FILTERS_ATTRIBUTE, lowerFilters);
        putList(values, CLASS_UPPER_FILTER_ATTRIBUTE, upperFilterOfClasses);
        putList(values, CLASS_LOWER_FILTER_ATTRIBUTE, lowerFilterOfClasses);
        return values;
    }

    private static void putList(java.util.Map<String, String> values, String name, List<String> list) {
        if (!list.isEmpty()) {
            values.put(name, String.join(",", list));
        }
    }

    public DeviceSetup withDriverVersion(String version) {
        return new DeviceSetup(version, deviceClass, upperFilters, lowerFilters, upperFilterOfClasses,
                lowerFilterOfClasses);
    }

    public DeviceSetup withDeviceClass(String setupClass) {
        return new DeviceSetup(driverVersion, setupClass, upperFilters, lowerFilters, upperFilterOfClasses,
                lowerFilterOfClasses);
    }

    /** With these device filter lists (bottom first each). */
    public DeviceSetup withFilters(List<String> upper, List<String> lower) {
        return new DeviceSetup(driverVersion, deviceClass, upper, lower, upperFilterOfClasses, lowerFilterOfClasses);
    }

    /** A class filter of these classes, above and below their function drivers. */
    public DeviceSetup withClassFilterOf(List<String> upperOf, List<String> lowerOf) {
        return new DeviceSetup(driverVersion, deviceClass, upperFilters, lowerFilters, upperOf, lowerOf);
    }

    /**
     * Compares two driver versions number by number ({@code 1.10} is newer than {@code 1.9}; a missing number is 0).
     */
    static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? Long.parseLong(x[i]) : 0;
            long q = i < y.length ? Long.parseLong(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    /** The comma-separated driver names of a filter list; the error names the one that is not a driver name. */
    static List<String> drivers(Path source, String attribute, String value) throws DriverPackageException {
        List<String> names = new ArrayList<>();
        for (String name : split(value)) {
            Optional<String> broken = NameRule.DRIVER_NAME.violation(name);
            if (broken.isPresent()) {
                throw new DriverPackageException(source + ": " + attribute + ": "
                        + NameRule.DRIVER_NAME.refusal(name, broken.get())
                        + " (the list names filter drivers separated by commas, bottom first)");
            }
            if (names.contains(name)) {
                throw new DriverPackageException(source + ": " + attribute + " names " + name
                        + " twice; a filter is attached once");
            }
            names.add(name);
        }
        return names;
    }

    static List<String> classes(Path source, String attribute, String value) throws DriverPackageException {
        List<String> names = new ArrayList<>();
        for (String name : split(value)) {
            names.add(checkClass(source, attribute, name));
        }
        return names;
    }

    private static String checkClass(Path source, String attribute, String name) throws DriverPackageException {
        if (!CLASS_NAME.matcher(name).matches()) {
            throw new DriverPackageException(source + ": " + attribute + " '" + name + "' is not a setup class name: "
                    + "a letter, then up to 63 letters, digits and '_', e.g. Toaster");
        }
        return name;
    }

    private static List<String> split(String value) {
        if (value == null || value.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
