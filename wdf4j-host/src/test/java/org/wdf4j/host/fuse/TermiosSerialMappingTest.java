package org.wdf4j.host.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialIoctl;
import org.wdf4j.serial.SerialLineControl;

/** What each terminal setting a program makes becomes for the driver, and back (docs/device-classes.md's table). */
class TermiosSerialMappingTest {

    private static final Termios BASE = new Termios(0, 0, Termios.CS8 | Termios.CREAD, Termios.EXTPROC,
            new byte[Termios.NCCS], 9600, 9600);
    private static final Termios PORT = TermiosSerialMapping.toTermios(BASE, SerialLineState.DEFAULT);

    private static List<String> sent(Termios after) {
        return TermiosSerialMapping.changes(PORT, after, SerialLineState.DEFAULT).controls().stream()
                .map(TermiosSerialMapping.Control::toString).toList();
    }

    @Test
    void theDriversStateIsShownInTheSettingsAndNothingIsSentForThem() {
        SerialLineState state = new SerialLineState(new SerialBaudRate(57600),
                new SerialLineControl(SerialLineControl.STOP_BITS_2, SerialLineControl.ODD_PARITY, 7),
                new SerialHandflow(SerialHandflow.SERIAL_CTS_HANDSHAKE | SerialHandflow.SERIAL_DTR_CONTROL,
                        SerialHandflow.SERIAL_RTS_HANDSHAKE | SerialHandflow.SERIAL_AUTO_TRANSMIT, 0, 0),
                SerialChars.DEFAULT);
        Termios t = TermiosSerialMapping.toTermios(BASE, state);
        assertThat(t.ospeed()).isEqualTo(57600);
        assertThat(t.cflag() & Termios.CBAUD).isEqualTo(010001); // B57600, so stty shows it
        assertThat(t.dataBits()).isEqualTo(7);
        assertThat(TermiosSerialMapping.lineControl(t)).isEqualTo(state.lineControl());
        assertThat(TermiosSerialMapping.changes(t, t, state).controls()).isEmpty();
        assertThat(TermiosSerialMapping.toTermios(BASE, SerialLineState.DEFAULT.withBaud(230401)).cflag()
                & Termios.CBAUD).as("a speed without a B code").isEqualTo(Termios.BOTHER);
    }

    @Test
    void eachSettingBecomesItsControlCode() {
        assertThat(sent(PORT.withSpeed(115200))).containsExactly("IOCTL_SERIAL_SET_BAUD_RATE 115200");
        assertThat(sent(PORT.withCflag(Termios.CSTOPB, Termios.CSTOPB)))
                .containsExactly("IOCTL_SERIAL_SET_LINE_CONTROL 8N2");
        assertThat(sent(PORT.withCflag(Termios.CSIZE | Termios.PARENB, Termios.CS7 | Termios.PARENB)))
                .containsExactly("IOCTL_SERIAL_SET_LINE_CONTROL 7E1");
        assertThat(sent(PORT.withCflag(Termios.CRTSCTS, Termios.CRTSCTS)))
                .containsExactly("IOCTL_SERIAL_SET_HANDFLOW RTS/CTS");
        assertThat(sent(PORT.withIflag(Termios.IXON | Termios.IXOFF, Termios.IXON | Termios.IXOFF)))
                .containsExactly("IOCTL_SERIAL_SET_HANDFLOW XON/XOFF out, XON/XOFF in");
        assertThat(sent(PORT.withChar(Termios.VSTART, 0x01)))
                .containsExactly("IOCTL_SERIAL_SET_CHARS XON 0x01 XOFF 0x13");
    }

    @Test
    void speedZeroHangsUpAndLeavingItRaisesTheLinesAgain() {
        Termios hungUp = PORT.withSpeed(0);
        assertThat(sent(hungUp)).containsExactly("IOCTL_SERIAL_CLR_DTR (speed 0: hang up)",
                "IOCTL_SERIAL_CLR_RTS (speed 0: hang up)");
        assertThat(TermiosSerialMapping.changes(hungUp, PORT, SerialLineState.DEFAULT).controls())
                .extracting(c -> SerialIoctl.name(c.ioControlCode()))
                .containsExactly("IOCTL_SERIAL_SET_DTR", "IOCTL_SERIAL_SET_RTS");
    }
}
