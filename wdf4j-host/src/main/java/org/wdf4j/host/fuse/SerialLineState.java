package org.wdf4j.host.fuse;

import java.util.Objects;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialLineControl;

/**
 * A serial port's line settings as its driver last heard them from the host: what the host compares a pseudo-terminal's
 * new settings with, to send only what changed.
 *
 * @param baudRate the speed
 * @param lineControl data bits, parity, stop bits
 * @param handflow handshake and flow control
 * @param chars the special characters (XON and XOFF are the ones a terminal has)
 */
record SerialLineState(SerialBaudRate baudRate, SerialLineControl lineControl, SerialHandflow handflow,
                       SerialChars chars) {

    /** 9600 baud, 8N1, no flow control: what a port whose driver does not answer the GET control codes starts with. */
    static final SerialLineState DEFAULT = new SerialLineState(new SerialBaudRate(9600), SerialLineControl.EIGHT_N_ONE,
            SerialHandflow.NONE, SerialChars.DEFAULT);

    SerialLineState {
        Objects.requireNonNull(baudRate, "baudRate");
        Objects.requireNonNull(lineControl, "lineControl");
        Objects.requireNonNull(handflow, "handflow");
        Objects.requireNonNull(chars, "chars");
    }

    /** This state at another speed. */
    SerialLineState withBaud(int baud) {
        return new SerialLineState(new SerialBaudRate(baud), lineControl, handflow, chars);
    }
}
