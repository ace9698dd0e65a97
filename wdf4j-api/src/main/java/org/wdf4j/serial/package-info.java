/**
 * The serial device class (Windows' {@code ntddser.h}, as Microsoft's VirtualSerial2 sample uses it): a driver makes
 * its device a serial port by creating a device interface of class {@link org.wdf4j.serial.SerialPort#GUID_DEVINTERFACE_COMPORT}
 * (or {@link org.wdf4j.serial.SerialPort#GUID_DEVINTERFACE_MODEM} for a modem), and answers the serial I/O control
 * codes ({@link org.wdf4j.serial.SerialIoctl}) whose buffers are the records of this package
 * ({@link org.wdf4j.serial.SerialBaudRate}, {@link org.wdf4j.serial.SerialLineControl},
 * {@link org.wdf4j.serial.SerialHandflow}, {@link org.wdf4j.serial.SerialTimeouts}, {@link org.wdf4j.serial.SerialChars},
 * {@link org.wdf4j.serial.SerialStatus}) and flag sets ({@link org.wdf4j.serial.SerialModemStatus},
 * {@link org.wdf4j.serial.SerialEvent}, {@link org.wdf4j.serial.SerialPurge}).
 *
 * <p>On Linux the host gives each such device a pseudo-terminal: programs open a link in the device directory
 * ({@code ttyWDF0}, ...), their bytes reach the driver as write requests, the driver's read completions reach them, and
 * the terminal settings they make ({@code stty}, {@code tcsetattr}) reach the driver as these control codes. What a
 * program sees, the mapping from termios and what Linux cannot show are in {@code docs/device-classes.md}.
 */
package org.wdf4j.serial;
