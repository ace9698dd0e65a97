package org.wdf4j.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An adapter's counters, as NDIS's {@code NDIS_STATISTICS_INFO} keeps them (reduced): what it transmitted (packets the
 * kernel sent, which reached the driver), what it received (packets the driver indicated to the kernel), and the
 * errors and drops the adapter and its driver counted. The output of
 * {@link NetAdapterIoctl#IOCTL_NET_ADAPTER_QUERY_STATISTICS}: eight little-endian ULONG64s in this order.
 */
public record NetAdapterStatistics(long transmittedPackets, long transmittedBytes, long receivedPackets,
        long receivedBytes, long transmitErrors, long receiveErrors, long transmitDrops, long receiveDrops) {

    /** The bytes of the buffer. */
    public static final int SIZE = 64;

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(transmittedPackets).putLong(transmittedBytes).putLong(receivedPackets).putLong(receivedBytes)
                .putLong(transmitErrors).putLong(receiveErrors).putLong(transmitDrops).putLong(receiveDrops);
        return b.array();
    }

    /** @throws IllegalArgumentException when there are fewer than {@link #SIZE} bytes */
    public static NetAdapterStatistics fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length < SIZE) {
            throw new IllegalArgumentException("network adapter statistics need " + SIZE + " bytes, got "
                    + (bytes == null ? "none" : bytes.length));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        return new NetAdapterStatistics(b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong());
    }
}
