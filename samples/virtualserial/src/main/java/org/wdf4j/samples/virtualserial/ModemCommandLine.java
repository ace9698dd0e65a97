package org.wdf4j.samples.virtualserial;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The modem's command interpreter: it collects what is typed into a command line, echoes it while echo is on
 * ({@code E1}, the default), and answers the line when a carriage return ends it. Result codes are verbose, framed by
 * CR LF as Hayes modems frame them: {@code \r\nOK\r\n}, {@code \r\nERROR\r\n}. Not thread-safe: the device's
 * synchronization scope serializes every caller.
 *
 * <ul>
 *   <li>{@code AT}: OK;</li>
 *   <li>{@code ATZ} (reset): echo on, OK;</li>
 *   <li>{@code ATE0}, {@code ATE1}: echo off, on; OK;</li>
 *   <li>{@code ATI}: the identification line, then OK;</li>
 *   <li>an empty line: nothing;</li>
 *   <li>anything else: ERROR.</li>
 * </ul>
 * Line feeds are ignored and backspace (0x08) erases, as on a modem's command line.
 */
final class ModemCommandLine {

    /** What {@code ATI} answers. */
    static final String IDENTIFICATION = "wdf4j FakeModem 1.0";

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean echo = true;

    /** Takes typed bytes; answers what the modem sends back (the echo and any answers). */
    byte[] type(byte[] bytes, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (echo) {
                out.write(b);
            }
            switch (b) {
                case '\r' -> {
                    out.writeBytes(answer(line.toString(StandardCharsets.US_ASCII).trim()));
                    line.reset();
                }
                case '\n', 0 -> { }
                case 0x08 -> {
                    byte[] typed = line.toByteArray();
                    line.reset();
                    line.write(typed, 0, Math.max(0, typed.length - 1));
                }
                default -> line.write(b);
            }
        }
        return out.toByteArray();
    }

    private byte[] answer(String command) {
        String c = command.toUpperCase(Locale.ROOT).replace(" ", "");
        String reply = switch (c) {
            case "" -> "";
            case "AT" -> result("OK");
            case "ATZ" -> {
                echo = true;
                yield result("OK");
            }
            case "ATE0", "ATE" -> {
                echo = false;
                yield result("OK");
            }
            case "ATE1" -> {
                echo = true;
                yield result("OK");
            }
            case "ATI", "ATI0" -> result(IDENTIFICATION) + result("OK");
            default -> result("ERROR");
        };
        return reply.getBytes(StandardCharsets.US_ASCII);
    }

    private static String result(String text) {
        return "\r\n" + text + "\r\n";
    }
}
