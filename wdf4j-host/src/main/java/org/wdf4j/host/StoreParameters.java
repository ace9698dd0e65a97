package org.wdf4j.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.wdf4j.framework.FxParameters;

/**
 * A driver's Parameters values in a file of the driver store ({@code drivers/NAME/parameters.properties}):
 * a properties file whose values are {@code sz:TEXT} or {@code dword:DECIMAL}. Every change rewrites
 * the file atomically before it returns; a write that fails changes neither the file nor the values.
 */
final class StoreParameters implements FxParameters {

    private static final String SZ = "sz:";
    private static final String DWORD = "dword:";

    private final Path file;
    /** The values, read from the file at first use; guarded by this. */
    private TreeMap<String, Value> values;

    StoreParameters(Path file) {
        this.file = file;
    }

    @Override
    public synchronized Value get(String name) throws IOException {
        return loaded().get(name);
    }

    @Override
    public synchronized void put(String name, Value value) throws IOException {
        TreeMap<String, Value> next = copy(loaded());
        next.remove(name);
        next.put(name, value);
        save(next);
        values = next;
    }

    @Override
    public synchronized boolean remove(String name) throws IOException {
        TreeMap<String, Value> next = copy(loaded());
        if (next.remove(name) == null) {
            return false;
        }
        save(next);
        values = next;
        return true;
    }

    @Override
    public synchronized Map<String, Value> values() throws IOException {
        return copy(loaded());
    }

    private TreeMap<String, Value> loaded() throws IOException {
        if (values == null) {
            values = read(file);
        }
        return values;
    }

    /**
     * Reads the values of a parameters file; none when the file does not exist.
     *
     * @throws IOException naming the file and what is wrong in it when it is not a valid parameters file
     */
    static TreeMap<String, Value> read(Path file) throws IOException {
        TreeMap<String, Value> read = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return read;
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not UTF-8 text (" + e + ")", e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a properties file (" + e.getMessage() + ")", e);
        }
        for (String name : p.stringPropertyNames()) {
            String raw = p.getProperty(name);
            try {
                if (raw.startsWith(SZ)) {
                    read.put(name, Value.ofString(raw.substring(SZ.length())));
                } else if (raw.startsWith(DWORD)) {
                    read.put(name, Value.ofULong(Long.parseLong(raw.substring(DWORD.length()))));
                } else {
                    throw new IOException(file + ": value " + name + " is neither sz:TEXT nor dword:DECIMAL");
                }
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": value " + name + " is not valid: " + e.getMessage(), e);
            }
        }
        return read;
    }

    private void save(TreeMap<String, Value> next) throws IOException {
        Properties p = new Properties();
        next.forEach((name, v) -> p.setProperty(name,
                v.type() == Type.REG_SZ ? SZ + v.string() : DWORD + v.number()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStreamWriter out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            p.store(out, "wdf4j driver Parameters: NAME=sz:TEXT or NAME=dword:DECIMAL");
        }
        AtomicFiles.write(file, bytes.toByteArray());
    }

    private static TreeMap<String, Value> copy(Map<String, Value> from) {
        TreeMap<String, Value> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(from);
        return copy;
    }
}
