package org.wdf4j.host.fuse;

import static org.wdf4j.host.fuse.Termios.*;

import java.util.ArrayList;
import java.util.List;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialIoctl;
import org.wdf4j.serial.SerialLineControl;

/**
 * How a pseudo-terminal's settings and a serial driver's line settings map onto each other, both ways:
 * <ul>
 *   <li>speed: the output speed as a number ({@code termios2}); speed 0 ({@code B0}) is a hang-up, as POSIX says:
 *       {@code IOCTL_SERIAL_CLR_DTR} and {@code CLR_RTS}, and leaving it raises them again ({@code SET_DTR}, and
 *       {@code SET_RTS} unless RTS/CTS flow control is on), as Linux's serial core does; any other change is
 *       {@code IOCTL_SERIAL_SET_BAUD_RATE};</li>
 *   <li>{@code CSIZE}, {@code PARENB}/{@code PARODD}/{@code CMSPAR}, {@code CSTOPB}: {@code IOCTL_SERIAL_SET_LINE_CONTROL}
 *       (5 data bits with {@code CSTOPB} is 1.5 stop bits);</li>
 *   <li>{@code CRTSCTS}, {@code IXON}, {@code IXOFF}: {@code IOCTL_SERIAL_SET_HANDFLOW} ({@code SERIAL_CTS_HANDSHAKE} with
 *       {@code SERIAL_RTS_HANDSHAKE}, {@code SERIAL_AUTO_TRANSMIT}, {@code SERIAL_AUTO_RECEIVE}), keeping the driver's
 *       XON/XOFF limits;</li>
 *   <li>{@code VSTART}/{@code VSTOP}: {@code IOCTL_SERIAL_SET_CHARS} (XonChar, XoffChar), keeping the other
 *       characters.</li>
 * </ul>
 */
final class TermiosSerialMapping {

    /** A control code the host sends to the driver, with its input buffer. */
    record Control(int ioControlCode, byte[] input, String detail) {

        @Override
        public String toString() {
            return SerialIoctl.name(ioControlCode) + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    /** What a change of settings sends, and the line state after it. */
    record Step(List<Control> controls, SerialLineState state) {
    }

    private TermiosSerialMapping() {
    }

    /** The terminal settings that show the driver's line state: {@code base} with its speed, frame and flow control. */
    static Termios toTermios(Termios base, SerialLineState state) {
        SerialLineControl line = state.lineControl();
        int size = switch (line.wordLength()) {
            case 5 -> CS5;
            case 6 -> CS6;
            case 7 -> CS7;
            default -> CS8;
        };
        int parity = switch (line.parity()) {
            case SerialLineControl.ODD_PARITY -> PARENB | PARODD;
            case SerialLineControl.EVEN_PARITY -> PARENB;
            case SerialLineControl.MARK_PARITY -> PARENB | PARODD | CMSPAR;
            case SerialLineControl.SPACE_PARITY -> PARENB | CMSPAR;
            default -> 0;
        };
        int stop = line.stopBits() == SerialLineControl.STOP_BIT_1 ? 0 : CSTOPB;
        SerialHandflow flow = state.handflow();
        return base.withSpeed(state.baudRate().baudRate())
                .withCflag(CSIZE | PARENB | PARODD | CMSPAR | CSTOPB | CRTSCTS,
                        size | parity | stop | (flow.rtsCts() ? CRTSCTS : 0))
                .withIflag(IXON | IXOFF, (flow.xonXoffOutput() ? IXON : 0) | (flow.xonXoffInput() ? IXOFF : 0))
                .withChar(VSTART, state.chars().xonChar())
                .withChar(VSTOP, state.chars().xoffChar());
    }

    /**
     * What the driver must be told when the terminal's settings go from {@code before} to {@code after}, given the
     * line state it has now.
     */
    static Step changes(Termios before, Termios after, SerialLineState state) {
        List<Control> controls = new ArrayList<>();
        SerialBaudRate baud = state.baudRate();
        if (after.ospeed() == 0 && before.ospeed() != 0) {
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_CLR_DTR, new byte[0], "(speed 0: hang up)"));
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_CLR_RTS, new byte[0], "(speed 0: hang up)"));
        } else if (after.ospeed() != 0 && after.ospeed() != baud.baudRate()) {
            baud = new SerialBaudRate(after.ospeed());
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_BAUD_RATE, baud.toBytes(), Integer.toString(after.ospeed())));
        }
        if (after.ospeed() != 0 && before.ospeed() == 0) {
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_DTR, new byte[0], "(speed restored)"));
            if ((after.cflag() & CRTSCTS) == 0) {
                controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_RTS, new byte[0], "(speed restored)"));
            }
        }
        SerialLineControl line = lineControl(after);
        if (!line.equals(state.lineControl())) {
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_LINE_CONTROL, line.toBytes(), line.toString()));
        }
        SerialHandflow flow = handflow(after, state.handflow());
        if (!flow.equals(state.handflow())) {
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_HANDFLOW, flow.toBytes(), describe(flow)));
        }
        SerialChars old = state.chars();
        SerialChars chars = new SerialChars(old.eofChar(), old.errorChar(), old.breakChar(), old.eventChar(),
                after.charAt(VSTART), after.charAt(VSTOP));
        if (!chars.equals(old)) {
            controls.add(new Control(SerialIoctl.IOCTL_SERIAL_SET_CHARS, chars.toBytes(),
                    String.format("XON 0x%02X XOFF 0x%02X", chars.xonChar(), chars.xoffChar())));
        }
        return new Step(List.copyOf(controls), new SerialLineState(baud, line, flow, chars));
    }

    /** The frame the settings describe. */
    static SerialLineControl lineControl(Termios t) {
        int bits = t.dataBits();
        int cflag = t.cflag();
        int parity = (cflag & PARENB) == 0 ? SerialLineControl.NO_PARITY
                : (cflag & CMSPAR) != 0 ? ((cflag & PARODD) != 0 ? SerialLineControl.MARK_PARITY : SerialLineControl.SPACE_PARITY)
                : (cflag & PARODD) != 0 ? SerialLineControl.ODD_PARITY : SerialLineControl.EVEN_PARITY;
        int stop = (cflag & CSTOPB) == 0 ? SerialLineControl.STOP_BIT_1
                : bits == 5 ? SerialLineControl.STOP_BITS_1_5 : SerialLineControl.STOP_BITS_2;
        return new SerialLineControl(stop, parity, bits);
    }

    /** The flow control the settings describe, keeping what termios has no word for from {@code previous}. */
    static SerialHandflow handflow(Termios t, SerialHandflow previous) {
        boolean rtsCts = (t.cflag() & CRTSCTS) != 0;
        int rtsMask = SerialHandflow.SERIAL_RTS_CONTROL | SerialHandflow.SERIAL_RTS_HANDSHAKE;
        int control = (previous.controlHandShake() & ~SerialHandflow.SERIAL_CTS_HANDSHAKE)
                | (rtsCts ? SerialHandflow.SERIAL_CTS_HANDSHAKE : 0);
        int replace = (previous.flowReplace()
                & ~(rtsMask | SerialHandflow.SERIAL_AUTO_TRANSMIT | SerialHandflow.SERIAL_AUTO_RECEIVE))
                | (rtsCts ? SerialHandflow.SERIAL_RTS_HANDSHAKE : previous.flowReplace() & rtsMask & ~SerialHandflow.SERIAL_RTS_HANDSHAKE)
                | ((t.iflag() & IXON) != 0 ? SerialHandflow.SERIAL_AUTO_TRANSMIT : 0)
                | ((t.iflag() & IXOFF) != 0 ? SerialHandflow.SERIAL_AUTO_RECEIVE : 0);
        if (!rtsCts && (replace & rtsMask) == 0) {
            replace |= SerialHandflow.SERIAL_RTS_CONTROL; // RTS raised, no handshake: what a port without flow control has
        }
        return new SerialHandflow(control, replace, previous.xonLimit(), previous.xoffLimit());
    }

    private static String describe(SerialHandflow flow) {
        List<String> parts = new ArrayList<>();
        if (flow.rtsCts()) {
            parts.add("RTS/CTS");
        }
        if (flow.xonXoffOutput()) {
            parts.add("XON/XOFF out");
        }
        if (flow.xonXoffInput()) {
            parts.add("XON/XOFF in");
        }
        return parts.isEmpty() ? "no flow control" : String.join(", ", parts);
    }
}
