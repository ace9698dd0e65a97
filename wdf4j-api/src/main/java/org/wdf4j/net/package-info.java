/**
 * The network-adapter device class (issue #15): Microsoft's NetAdapterCx model, reduced. A driver declares a
 * {@link org.wdf4j.net.NetAdapter} for its device with a {@link org.wdf4j.net.NetAdapterConfig} (interface name, TUN
 * or TAP, MTU, MAC address, addresses); the host makes it a Linux TUN/TAP interface. Packets the kernel sends reach
 * the driver as write requests on its transmit queue, one packet each; the driver gives received packets to the
 * kernel with {@link org.wdf4j.net.NetAdapter#indicate}. Link state, MTU, MAC address and statistics are the
 * driver's. See {@code docs/device-classes.md}.
 */
package org.wdf4j.net;
