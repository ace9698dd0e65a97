package org.wdf4j.samples;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Plain file I/O on a device file, as a program would do it: the samples' device-file tests share it. */
public final class FileIo {

    private FileIo() {
    }

    /**
     * Opens {@code file} for reading and writing, writes {@code text} (UTF-8) in one write, reads once (a device file
     * is a stream: no positions), closes it, and answers what the read gave.
     *
     * @throws AssertionError when the write did not take every byte
     */
    public static String writeThenRead(Path file, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            int written = channel.write(ByteBuffer.wrap(bytes));
            if (written != bytes.length) {
                throw new AssertionError("wrote " + written + " of " + bytes.length + " bytes to " + file);
            }
            ByteBuffer read = ByteBuffer.allocate(bytes.length + 64);
            int n = channel.read(read);
            return n <= 0 ? "" : new String(read.array(), 0, n, StandardCharsets.UTF_8);
        }
    }
}
