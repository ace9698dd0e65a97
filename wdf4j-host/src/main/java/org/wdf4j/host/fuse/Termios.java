package org.wdf4j.host.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A terminal's settings, Linux's {@code struct termios2} (44 bytes: four flag words, the line discipline, 19 control
 * characters, the input and output speeds as numbers), read and written with {@code TCGETS2}/{@code TCSETS2}. On a
 * pseudo-terminal master these read and set the slave's settings (the kernel's {@code tty_mode_ioctl} redirects them),
 * which is how the host sees what a program set with {@code stty} or {@code tcsetattr}.
 *
 * @param iflag input modes ({@link #IXON}, {@link #IXOFF}, ...)
 * @param oflag output modes
 * @param cflag control modes ({@link #CSIZE}, {@link #CSTOPB}, {@link #PARENB}, {@link #CRTSCTS}, the speed code)
 * @param lflag local modes ({@link #ICANON}, {@link #EXTPROC}, ...)
 * @param cc the control characters (19; a copy)
 * @param ispeed input speed in bits per second
 * @param ospeed output speed in bits per second (0: hang up)
 */
record Termios(int iflag, int oflag, int cflag, int lflag, byte[] cc, int ispeed, int ospeed) {

    static final int SIZE = 44;
    /** {@code TCGETS2}: {@code _IOR('T', 0x2A, struct termios2)}. */
    static final long TCGETS2 = 0x802C542AL;
    /** {@code TCSETS2}: {@code _IOW('T', 0x2B, struct termios2)}; takes effect at once ({@code TCSANOW}). */
    static final long TCSETS2 = 0x402C542BL;
    static final int NCCS = 19;

    // iflag
    static final int IGNBRK = 01, BRKINT = 02, PARMRK = 010, ISTRIP = 040, INLCR = 0100, IGNCR = 0200, ICRNL = 0400,
            IXON = 02000, IXOFF = 010000;
    // oflag
    static final int OPOST = 01;
    // cflag
    static final int CBAUD = 010017, CSIZE = 060, CS5 = 0, CS6 = 020, CS7 = 040, CS8 = 060, CSTOPB = 0100,
            CREAD = 0200, PARENB = 0400, PARODD = 01000, HUPCL = 02000, CLOCAL = 04000, BOTHER = 010000,
            CIBAUD = 002003600000, CMSPAR = 010000000000, CRTSCTS = 020000000000;
    // lflag
    static final int ISIG = 01, ICANON = 02, ECHO = 010, ECHONL = 0100, IEXTEN = 0100000, EXTPROC = 0200000;
    // cc
    static final int VTIME = 5, VMIN = 6, VSTART = 8, VSTOP = 9;

    /** The standard speeds and their {@code Bnnn} codes; any other speed is {@code BOTHER} with the number. */
    private static final int[][] SPEEDS = {
        {0, 0}, {50, 01}, {75, 02}, {110, 03}, {134, 04}, {150, 05}, {200, 06}, {300, 07}, {600, 010}, {1200, 011},
        {1800, 012}, {2400, 013}, {4800, 014}, {9600, 015}, {19200, 016}, {38400, 017}, {57600, 010001},
        {115200, 010002}, {230400, 010003}, {460800, 010004}, {500000, 010005}, {576000, 010006}, {921600, 010007},
        {1000000, 010010}, {1152000, 010011}, {1500000, 010012}, {2000000, 010013}, {2500000, 010014},
        {3000000, 010015}, {3500000, 010016}, {4000000, 010017}};

    Termios {
        if (cc.length != NCCS) {
            throw new IllegalArgumentException("termios has " + NCCS + " control characters, not " + cc.length);
        }
        cc = cc.clone();
    }

    @Override
    public byte[] cc() {
        return cc.clone();
    }

    /** The settings of the terminal {@code fd} (on a master: its slave's). */
    static Termios read(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(SIZE);
            LibC.ioctl(fd, TCGETS2, t);
            byte[] cc = new byte[NCCS];
            MemorySegment.copy(t, ValueLayout.JAVA_BYTE, 17, cc, 0, NCCS);
            return new Termios(t.get(ValueLayout.JAVA_INT, 0), t.get(ValueLayout.JAVA_INT, 4),
                    t.get(ValueLayout.JAVA_INT, 8), t.get(ValueLayout.JAVA_INT, 12), cc,
                    t.get(ValueLayout.JAVA_INT, 36), t.get(ValueLayout.JAVA_INT, 40));
        }
    }

    /** Sets these on the terminal {@code fd} at once (on a master: on its slave). */
    void write(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(SIZE);
            t.set(ValueLayout.JAVA_INT, 0, iflag);
            t.set(ValueLayout.JAVA_INT, 4, oflag);
            t.set(ValueLayout.JAVA_INT, 8, cflag);
            t.set(ValueLayout.JAVA_INT, 12, lflag);
            MemorySegment.copy(cc, 0, t, ValueLayout.JAVA_BYTE, 17, NCCS);
            t.set(ValueLayout.JAVA_INT, 36, ispeed);
            t.set(ValueLayout.JAVA_INT, 40, ospeed);
            LibC.ioctl(fd, TCSETS2, t);
        }
    }

    /**
     * Raw mode ({@code cfmakeraw}: no echo, no line editing, no signals, no CR/NL translation, 8 bits, reads return
     * from one byte) with {@link #EXTPROC} on, so that every later change a program makes is told to the master in
     * packet mode ({@code TIOCPKT_IOCTL}).
     */
    Termios raw() {
        byte[] chars = cc();
        chars[VMIN] = 1;
        chars[VTIME] = 0;
        return new Termios(iflag & ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON),
                oflag & ~OPOST, (cflag & ~(CSIZE | PARENB)) | CS8 | CREAD | CLOCAL,
                (lflag & ~(ECHO | ECHONL | ICANON | ISIG | IEXTEN)) | EXTPROC, chars, ispeed, ospeed);
    }

    /** With this speed both ways: its {@code Bnnn} code where it is a standard one, else {@code BOTHER}. */
    Termios withSpeed(int baud) {
        int code = BOTHER;
        for (int[] s : SPEEDS) {
            if (s[0] == baud) {
                code = s[1];
            }
        }
        return new Termios(iflag, oflag, (cflag & ~(CBAUD | CIBAUD)) | code, lflag, cc, baud, baud);
    }

    Termios withCflag(int mask, int bits) {
        return new Termios(iflag, oflag, (cflag & ~mask) | (bits & mask), lflag, cc, ispeed, ospeed);
    }

    Termios withIflag(int mask, int bits) {
        return new Termios((iflag & ~mask) | (bits & mask), oflag, cflag, lflag, cc, ispeed, ospeed);
    }

    Termios withChar(int index, int value) {
        byte[] chars = cc();
        chars[index] = (byte) value;
        return new Termios(iflag, oflag, cflag, lflag, chars, ispeed, ospeed);
    }

    /** Data bits, 5 to 8. */
    int dataBits() {
        return switch (cflag & CSIZE) {
            case CS5 -> 5;
            case CS6 -> 6;
            case CS7 -> 7;
            default -> 8;
        };
    }

    int charAt(int index) {
        return cc[index] & 0xFF;
    }

    boolean has(int lflagBits) {
        return (lflag & lflagBits) == lflagBits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Termios t && iflag == t.iflag && oflag == t.oflag && cflag == t.cflag && lflag == t.lflag
                && Arrays.equals(cc, t.cc) && ispeed == t.ispeed && ospeed == t.ospeed;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new int[] {iflag, oflag, cflag, lflag, Arrays.hashCode(cc), ispeed, ospeed});
    }

    @Override
    public String toString() {
        return String.format("termios(iflag=0%o oflag=0%o cflag=0%o lflag=0%o speed=%d/%d)", iflag, oflag, cflag,
                lflag, ispeed, ospeed);
    }
}
