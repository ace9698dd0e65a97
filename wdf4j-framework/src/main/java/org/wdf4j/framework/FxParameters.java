package org.wdf4j.framework;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a driver's Parameters key keeps its values: the backend behind
 * {@link org.wdf4j.driver.WdfDriver#openParametersRegistryKey}. One instance serves one driver.
 *
 * <p>The host supplies it when it creates the driver's globals: a file per driver in its state
 * directory, or {@link #inMemory()} for a throw-away host. Value names compare without regard to
 * case (as registry value names do) and keep the case they were first stored with. Implementations
 * are thread-safe; {@link #put} and {@link #remove} are durable when they return (a persistent
 * backend writes atomically, so a crash leaves the old or the new values, never half of them), and
 * a failed write throws and changes nothing.
 */
public interface FxParameters {

    /** The registry value types a Parameters key holds. */
    enum Type {
        /** A string. */
        REG_SZ,
        /** A 32-bit unsigned number, 0 to 0xFFFFFFFF. */
        REG_DWORD
    }

    /**
     * One stored value.
     *
     * @param type its type
     * @param string the string of a REG_SZ value; null for REG_DWORD
     * @param number the number of a REG_DWORD value (0 to 0xFFFFFFFF); 0 for REG_SZ
     */
    record Value(Type type, String string, long number) {
        public Value {
            Objects.requireNonNull(type, "type");
            if (type == Type.REG_SZ) {
                Objects.requireNonNull(string, "string");
            } else if (string != null || number < 0 || number > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("a REG_DWORD holds 0 to 0xFFFFFFFF and no string: " + number);
            }
        }

        public static Value ofString(String s) {
            return new Value(Type.REG_SZ, s, 0);
        }

        public static Value ofULong(long n) {
            return new Value(Type.REG_DWORD, null, n);
        }

        @Override
        public String toString() {
            return type == Type.REG_SZ ? "REG_SZ " + string : String.format("REG_DWORD 0x%08X (%d)", number, number);
        }
    }

    /** The value of that name, or null when there is none. */
    Value get(String name) throws IOException;

    /** Sets the value, replacing one of the same name (compared without case) of either type. */
    void put(String name, Value value) throws IOException;

    /** Removes the value; false when there was none. */
    boolean remove(String name) throws IOException;

    /** Every value, ordered by name without case. */
    Map<String, Value> values() throws IOException;

    /** A backend that keeps the values in memory only, for throw-away hosts and tests. */
    static FxParameters inMemory() {
        return new FxParameters() {
            private final TreeMap<String, Value> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

            @Override
            public synchronized Value get(String name) {
                return values.get(name);
            }

            @Override
            public synchronized void put(String name, Value value) {
                values.remove(name); // a new name's case replaces the old one's
                values.put(name, Objects.requireNonNull(value, "value"));
            }

            @Override
            public synchronized boolean remove(String name) {
                return values.remove(name) != null;
            }

            @Override
            public synchronized Map<String, Value> values() {
                TreeMap<String, Value> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                copy.putAll(values);
                return copy;
            }
        };
    }
}
