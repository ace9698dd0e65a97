package org.wdf4j.serial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.wdf4j.io.CtlCode;

/** The serial class's codes and buffers have Windows' values and layouts (ntddser.h), and refuse what a UART cannot. */
class SerialBuffersTest {

    @Test
    void theControlCodesAreCtlCodeOfTheSerialPortDeviceType() {
        assertThat(SerialIoctl.IOCTL_SERIAL_SET_BAUD_RATE).isEqualTo(0x001B0004)
                .isEqualTo(CtlCode.of(0x1B, 1, CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS));
        assertThat(SerialIoctl.IOCTL_SERIAL_GET_BAUD_RATE).isEqualTo(CtlCode.of(0x1B, 20, 0, 0));
        assertThat(SerialIoctl.IOCTL_SERIAL_WAIT_ON_MASK).isEqualTo(CtlCode.of(0x1B, 18, 0, 0));
        assertThat(SerialIoctl.IOCTL_SERIAL_SET_FIFO_CONTROL).isEqualTo(CtlCode.of(0x1B, 39, 0, 0));
        assertThat(SerialIoctl.name(SerialIoctl.IOCTL_SERIAL_PURGE)).isEqualTo("IOCTL_SERIAL_PURGE");
        assertThat(SerialIoctl.name(0x00222000)).startsWith("CTL_CODE(0x22, 0x800");
    }

    @Test
    void theBuffersAreTheLittleEndianCStructs() {
        assertThat(HexFormat.of().formatHex(new SerialBaudRate(115200).toBytes())).isEqualTo("00c20100");
        assertThat(new SerialLineControl(SerialLineControl.STOP_BITS_2, SerialLineControl.EVEN_PARITY, 7).toBytes())
                .containsExactly(2, 2, 7);
        assertThat(SerialHandflow.fromBytes(SerialHandflow.NONE.toBytes())).isEqualTo(SerialHandflow.NONE);
        assertThat(SerialTimeouts.fromBytes(SerialTimeouts.WAIT_FOR_ANY_BYTE.toBytes()))
                .isEqualTo(SerialTimeouts.WAIT_FOR_ANY_BYTE);
        assertThat(SerialChars.fromBytes(SerialChars.DEFAULT.toBytes()).xoffChar()).isEqualTo(0x13);
        assertThat(SerialStatus.fromBytes(new SerialStatus(0, 0, 42, 0, false, false).toBytes()).amountInInQueue())
                .isEqualTo(42);
        assertThat(new SerialPurge(SerialPurge.SERIAL_PURGE_RXCLEAR | SerialPurge.SERIAL_PURGE_RXABORT)
                .has(SerialPurge.SERIAL_PURGE_RXCLEAR)).isTrue();
        assertThat(SerialLineControl.EIGHT_N_ONE).hasToString("8N1");
    }

    @Test
    void whatAUartCannotDoIsRefusedSayingWhy() {
        assertThatThrownBy(() -> new SerialLineControl(SerialLineControl.STOP_BITS_1_5, 0, 8))
                .hasMessageContaining("STOP_BITS_1_5 (1, with 5 data bits only)");
        assertThatThrownBy(() -> new SerialLineControl(0, 0, 9)).hasMessageContaining("5 to 8 data bits, not 9");
        assertThatThrownBy(() -> new SerialBaudRate(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> SerialBaudRate.fromBytes(new byte[2])).hasMessageContaining("needs 4 bytes, got 2");
        assertThat(new SerialTimeouts(-1, -1, -1, 0, 0).isValid()).isFalse();
        assertThat(new SerialTimeouts(-1, 0, 0, 0, 0).readReturnsImmediately()).isTrue();
    }
}
