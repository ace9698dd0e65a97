package org.wdf4j.host.fuse;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.wdf4j.net.MacAddress;
import org.wdf4j.net.NetAdapterConfig;
import org.wdf4j.net.NetAdapterType;
import org.wdf4j.net.NetIpAddress;

/**
 * A Linux TUN/TAP interface the host owns: {@code /dev/net/tun} opened and attached with {@code TUNSETIFF}
 * ({@code IFF_TUN} or {@code IFF_TAP}, always {@code IFF_NO_PI}, so each read and write is one bare packet), and a
 * datagram socket in the same network namespace for the interface ioctls ({@code SIOCSIFMTU}, {@code SIOCSIFHWADDR},
 * {@code SIOCSIFADDR}, {@code SIOCSIFNETMASK}, {@code SIOCSIFFLAGS}); no tool is run. The interface is not
 * persistent: the kernel removes it when {@link #close} closes the last descriptor, or when the host dies.
 *
 * <p>An interface for another network namespace is made on a thread of its own that first enters the namespace
 * ({@code setns(CLONE_NEWNET)}, which moves only the calling thread): the descriptors it opens stay in that namespace.
 * Not thread-safe; its owner calls it from one thread at a time, except {@link #read} and {@link #write}, which may
 * run concurrently (the kernel's).
 */
final class TunInterface implements AutoCloseable {

    static final String TUN_DEVICE = "/dev/net/tun";
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETCARRIER = 0x400454e2L;
    static final short IFF_TUN = 0x0001;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCSIFHWADDR = 0x8924;
    static final short IFF_UP = 0x1;
    static final int AF_INET = 2;
    static final int SOCK_DGRAM = 2;
    static final short ARPHRD_ETHER = 1;
    static final int CLONE_NEWNET = 0x40000000;
    /** {@code struct ifreq}: a 16-byte name, then a 24-byte union. */
    static final int IFREQ_SIZE = 40;
    static final int IFNAMSIZ = 16;

    private final int fd;
    private final int socket;
    private final String name;
    private final NetAdapterType type;

    private TunInterface(int fd, int socket, String name, NetAdapterType type) {
        this.fd = fd;
        this.socket = socket;
        this.name = name;
        this.type = type;
    }

    /**
     * Makes the interface of {@code config} (in its network namespace, if it names one), not yet configured.
     *
     * @throws IOException naming what failed and how to fix it: no {@code /dev/net/tun}, no permission
     *     (CAP_NET_ADMIN), a name already taken, a network namespace that does not exist
     */
    static TunInterface create(NetAdapterConfig config) throws IOException {
        String ns = config.networkNamespace();
        if (ns == null) {
            return createHere(config);
        }
        CompletableFuture<TunInterface> made = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("wdf4j-net create " + config.interfaceName() + " in " + ns)
                .start(() -> {
                    try {
                        enterNamespace(ns);
                        made.complete(createHere(config));
                    } catch (Throwable t) {
                        made.completeExceptionally(t);
                    }
                }); // the thread ends here, with the namespace it entered
        try {
            return made.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            made.thenAccept(TunInterface::close);
            throw new IOException("interrupted while making interface " + config.interfaceName(), e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("making interface " + config.interfaceName() + " failed: " + e.getCause(),
                    e.getCause());
        }
    }

    private static void enterNamespace(String ns) throws IOException {
        String file = "/run/netns/" + ns;
        int nsFd;
        try {
            nsFd = LibC.open(file, LibC.O_RDONLY | LibC.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw new IOException(e.errno() == LibC.ENOENT
                    ? "network namespace " + ns + " does not exist (no " + file + "): make it first with ip netns add "
                            + ns
                    : "cannot open network namespace " + ns + ": " + e.getMessage(), e);
        }
        try {
            LibC.setns(nsFd, CLONE_NEWNET);
        } catch (ErrnoException e) {
            throw new IOException("cannot enter network namespace " + ns + " (needs CAP_SYS_ADMIN): "
                    + e.getMessage(), e);
        } finally {
            LibC.close(nsFd);
        }
    }

    private static TunInterface createHere(NetAdapterConfig config) throws IOException {
        int fd;
        try {
            fd = LibC.open(TUN_DEVICE, LibC.O_RDWR | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        } catch (ErrnoException e) {
            throw new IOException(e.errno() == LibC.ENOENT || e.errno() == LibC.ENODEV || e.errno() == LibC.ENXIO
                    ? TUN_DEVICE + " is missing: load the tun module (modprobe tun) or run where it exists"
                    : "cannot open " + TUN_DEVICE + " (needs CAP_NET_ADMIN, e.g. root): " + e.getMessage(), e);
        }
        int socket = -1;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, config.interfaceName());
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ,
                    (short) ((config.type() == NetAdapterType.TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI));
            try {
                LibC.ioctl(fd, TUNSETIFF, ifr);
            } catch (ErrnoException e) {
                throw new IOException(switch (e.errno()) {
                    case LibC.EBUSY -> "interface " + config.interfaceName() + " exists already and is in use (EBUSY):"
                            + " choose another name, or a pattern such as wdf%d";
                    case LibC.EINVAL -> "interface " + config.interfaceName() + " exists already and is not a free "
                            + config.type() + " interface (EINVAL): choose another name, or a pattern such as wdf%d";
                    case LibC.EPERM -> "making interface " + config.interfaceName() + " needs CAP_NET_ADMIN (EPERM)";
                    default -> "making interface " + config.interfaceName() + " failed: " + e.getMessage();
                }, e);
            }
            String name = ifr.getString(0);
            socket = LibC.socket(AF_INET, SOCK_DGRAM | LibC.O_CLOEXEC, 0);
            return new TunInterface(fd, socket, name, config.type());
        } catch (IOException | RuntimeException e) {
            closeQuietly(socket);
            closeQuietly(fd);
            throw e;
        }
    }

    /** A zeroed {@code struct ifreq} naming {@code name}. */
    private static MemorySegment ifreq(Arena arena, String name) {
        MemorySegment ifr = arena.allocate(IFREQ_SIZE);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, Math.min(bytes.length, IFNAMSIZ - 1));
        return ifr;
    }

    /** The name the kernel gave it ({@code wdf%d} numbered). */
    String name() {
        return name;
    }

    /** The descriptor packets are read from and written to. */
    int fd() {
        return fd;
    }

    /** {@code SIOCSIFMTU}. */
    void setMtu(int mtu) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, name);
            ifr.set(ValueLayout.JAVA_INT, IFNAMSIZ, mtu);
            ioctl(SIOCSIFMTU, ifr, "setting MTU " + mtu);
        }
    }

    /** {@code SIOCSIFHWADDR} (TAP only). */
    void setMacAddress(MacAddress address) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, name);
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, ARPHRD_ETHER);
            MemorySegment.copy(address.bytes(), 0, ifr, ValueLayout.JAVA_BYTE, IFNAMSIZ + 2, MacAddress.LENGTH);
            ioctl(SIOCSIFHWADDR, ifr, "setting MAC address " + address);
        }
    }

    /**
     * {@code SIOCSIFADDR} and {@code SIOCSIFNETMASK}: the first address on the interface, the {@code n}th (from 1) on
     * the label {@code name:n}, as {@code ifconfig} makes aliases.
     */
    void addAddress(NetIpAddress address, int n) throws IOException {
        String label = n == 0 ? name : name + ":" + n;
        if (label.getBytes(StandardCharsets.UTF_8).length >= IFNAMSIZ) {
            throw new IOException("interface " + name + ": no room for the label " + label + " of its address "
                    + address + " (15 bytes at most); use a shorter interface name or fewer addresses");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, label);
            sockaddrIn(ifr, address.address().getAddress());
            ioctl(SIOCSIFADDR, ifr, "assigning address " + address);
            sockaddrIn(ifr, address.netmask());
            ioctl(SIOCSIFNETMASK, ifr, "setting the netmask of " + address);
        }
    }

    private static void sockaddrIn(MemorySegment ifr, byte[] octets) {
        ifr.asSlice(IFNAMSIZ, IFREQ_SIZE - IFNAMSIZ).fill((byte) 0);
        ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) AF_INET);
        MemorySegment.copy(octets, 0, ifr, ValueLayout.JAVA_BYTE, IFNAMSIZ + 4, 4);
    }

    /** {@code SIOCGIFFLAGS}, then {@code SIOCSIFFLAGS} with {@code IFF_UP}. */
    void up() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = ifreq(arena, name);
            ioctl(SIOCGIFFLAGS, ifr, "reading the flags");
            ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (ifr.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) | IFF_UP));
            ioctl(SIOCSIFFLAGS, ifr, "bringing it up");
        }
    }

    /** {@code TUNSETCARRIER} (Linux 4.20 and later): the carrier, which {@code ip link} shows as LOWER_UP. */
    void setCarrier(boolean on) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            LibC.ioctl(fd, TUNSETCARRIER, arena.allocateFrom(ValueLayout.JAVA_INT, on ? 1 : 0));
        } catch (ErrnoException e) {
            throw new IOException("interface " + name + ": setting the carrier " + (on ? "on" : "off") + " failed"
                    + " (TUNSETCARRIER needs Linux 4.20): " + e.getMessage(), e);
        }
    }

    private void ioctl(long request, MemorySegment ifr, String what) throws IOException {
        try {
            LibC.ioctl(socket, request, ifr);
        } catch (ErrnoException e) {
            throw new IOException("interface " + name + ": " + what + " failed: " + e.getMessage(), e);
        }
    }

    /** One packet, or -1 when none is waiting (the descriptor does not block). */
    int read(MemorySegment buffer) throws ErrnoException {
        try {
            return LibC.read(fd, buffer);
        } catch (ErrnoException e) {
            if (e.errno() == LibC.EAGAIN || e.errno() == LibC.EINTR) {
                return -1;
            }
            throw e;
        }
    }

    /** Writes one packet to the kernel. */
    void write(MemorySegment packet, int length) throws ErrnoException {
        LibC.write(fd, packet, length);
    }

    /** Closes both descriptors: the kernel removes the interface. */
    @Override
    public void close() {
        closeQuietly(socket);
        closeQuietly(fd);
    }

    static void closeQuietly(int fd) {
        if (fd >= 0) {
            try {
                LibC.close(fd);
            } catch (ErrnoException e) {
                // closing is all that was left to do
            }
        }
    }

    @Override
    public String toString() {
        return type + " interface " + name;
    }
}
