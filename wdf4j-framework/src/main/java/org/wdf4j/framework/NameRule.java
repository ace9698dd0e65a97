package org.wdf4j.framework;

import java.util.Optional;

/**
 * The rules for every name a user or a driver gives: hardware IDs ({@code wdf4j device add}, a package's
 * {@code Wdf4j-Hardware-Ids}), driver names, device interface reference strings and device names
 * ({@code WdfDeviceInitAssignName}, control devices' above all). One place, so that the host, the framework and a
 * driver host refuse the same names with the same words: a refusal names the rule that was broken.
 *
 * <ul>
 * <li>{@link #HARDWARE_ID}: Windows' device ID rules: 1 to 200 characters (MAX_DEVICE_ID_LEN), printable ASCII other
 *     than space and {@code ,}; components separated by {@code \}, none empty and none {@code .} or {@code ..}; and no
 *     {@code /} (a hardware ID names a node and its files, never a path).
 * <li>{@link #DRIVER_NAME}: 1 to 64 letters, digits, {@code _}, {@code .} or {@code -}, not {@code .} or {@code ..}
 *     (it names a directory of the store and a service key).
 * <li>{@link #REFERENCE_STRING}: at most 100 characters (empty: none), no control characters, no {@code \} or
 *     {@code /} (Windows: a reference string is one path component), not {@code .} or {@code ..}.
 * <li>{@link #DEVICE_NAME}: 1 to 100 printable ASCII characters other than space, {@code \} and {@code /}, not
 *     {@code .} or {@code ..} (opened as {@code \\.\NAME}, and a file of that name among the device files).
 * </ul>
 */
public enum NameRule {

    HARDWARE_ID("hardware ID", 200),
    DRIVER_NAME("driver name", 64),
    REFERENCE_STRING("device interface reference string", 100),
    DEVICE_NAME("device name", 100);

    /** How much of a refused value a message shows. */
    private static final int SHOWN = 60;

    private final String what;
    private final int maxLength;

    NameRule(String what, int maxLength) {
        this.what = what;
        this.maxLength = maxLength;
    }

    /** What the rule is for, e.g. {@code hardware ID}. */
    public String what() {
        return what;
    }

    /** The longest name allowed, in characters. */
    public int maxLength() {
        return maxLength;
    }

    /** The rule {@code value} breaks, in words (e.g. {@code it has a '..' component: ...}), or empty when it is valid. */
    public Optional<String> violation(String value) {
        if (value == null || value.isEmpty() && this != REFERENCE_STRING) {
            return Optional.of("it is empty; a " + what + " has 1 to " + maxLength + " characters");
        }
        if (value.length() > maxLength) {
            return Optional.of("it is " + value.length() + " characters long; a " + what + " has at most " + maxLength
                    + (this == HARDWARE_ID ? " (Windows' MAX_DEVICE_ID_LEN)" : ""));
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (!allowed(c)) {
                return Optional.of("it has " + describe(c) + " at position " + (i + 1) + "; " + characters());
            }
        }
        if (this == HARDWARE_ID) {
            String[] components = value.split("\\\\", -1);
            for (String component : components) {
                if (component.isEmpty()) {
                    return Optional.of("it has an empty component (a leading, trailing or doubled '\\'); its components "
                            + "are separated by one '\\', e.g. ROOT\\ECHO");
                }
                if (component.equals(".") || component.equals("..")) {
                    return Optional.of("it has a '" + component + "' component; no component may be '.' or '..'");
                }
            }
        } else if (value.equals(".") || value.equals("..")) {
            return Optional.of("it is '" + value + "'; a " + what + " may not be '.' or '..'");
        }
        return Optional.empty();
    }

    /** Whether {@code value} follows the rule. */
    public boolean accepts(String value) {
        return violation(value).isEmpty();
    }

    /**
     * Answers {@code value} when it follows the rule.
     *
     * @throws IllegalArgumentException naming the value and the rule it breaks, e.g. {@code 'ROOT\..\x' is not a valid
     *     hardware ID: it has a '..' component; no component may be '.' or '..'}
     */
    public String check(String value) {
        Optional<String> broken = violation(value);
        if (broken.isPresent()) {
            throw new IllegalArgumentException(refusal(value, broken.get()));
        }
        return value;
    }

    /** The message for a value that breaks the rule: the value (cut when long) and {@code rule}. */
    public String refusal(String value, String rule) {
        return shown(value) + " is not a valid " + what + ": " + rule;
    }

    private static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= SHOWN ? "'" + value + "'" : "'" + value.substring(0, SHOWN) + "...'";
    }

    private boolean allowed(char c) {
        return switch (this) {
            case HARDWARE_ID -> c > ' ' && c < 0x7F && c != ',' && c != '/';
            case DRIVER_NAME -> c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_'
                    || c == '.' || c == '-';
            case REFERENCE_STRING -> !Character.isISOControl(c) && c != '\\' && c != '/';
            case DEVICE_NAME -> c > ' ' && c < 0x7F && c != '\\' && c != '/';
        };
    }

    private String characters() {
        return switch (this) {
            case HARDWARE_ID -> "a hardware ID has printable ASCII characters other than space, ',' and '/'";
            case DRIVER_NAME -> "a driver name has letters, digits, '_', '.' and '-'";
            case REFERENCE_STRING -> "a reference string has no control characters, '\\' or '/'";
            case DEVICE_NAME -> "a device name has printable ASCII characters other than space, '\\' and '/'";
        };
    }

    private static String describe(char c) {
        String code = String.format("U+%04X", (int) c);
        return c > ' ' && c < 0x7F ? "'" + c + "' (" + code + ")" : code;
    }
}
