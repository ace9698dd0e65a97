package org.wdf4j.host.fuse;

/**
 * Numbers and struct layouts of the Linux FUSE protocol ({@code include/uapi/linux/fuse.h}) that
 * {@link FuseSession} uses. All structs are little-endian on the supported platforms and are read
 * and written at the byte offsets given here; the sizes are those of protocol 7.45 (the version the
 * kernel offered when this was written), which are also valid for every minor from 7.31 on.
 */
final class FuseProtocol {

    /** Protocol major version; a kernel offering another major cannot be served. */
    static final int KERNEL_VERSION = 7;
    /** The highest minor version this implementation speaks; the session answers with the lower of this and the kernel's. */
    static final int KERNEL_MINOR_VERSION = 45;
    /** Oldest minor accepted: the attribute and open reply layouts used here date from 7.9+. */
    static final int MIN_MINOR_VERSION = 31;

    // Opcodes (enum fuse_opcode).
    static final int LOOKUP = 1;
    static final int FORGET = 2;
    static final int GETATTR = 3;
    static final int READLINK = 5;
    static final int SETATTR = 4;
    static final int SETXATTR = 21;
    static final int GETXATTR = 22;
    static final int LISTXATTR = 23;
    static final int REMOVEXATTR = 24;
    static final int MKNOD = 8;
    static final int MKDIR = 9;
    static final int UNLINK = 10;
    static final int RMDIR = 11;
    static final int RENAME = 12;
    static final int LINK = 13;
    static final int SYMLINK = 6;
    static final int CREATE = 35;
    static final int RENAME2 = 45;
    static final int STATFS = 17;
    static final int OPENDIR = 27;
    static final int READDIR = 28;
    static final int RELEASEDIR = 29;
    static final int ACCESS = 34;
    static final int OPEN = 14;
    static final int READ = 15;
    static final int WRITE = 16;
    static final int RELEASE = 18;
    static final int FLUSH = 25;
    static final int FSYNC = 20;
    static final int INIT = 26;
    static final int INTERRUPT = 36;
    static final int DESTROY = 38;
    static final int IOCTL = 39;
    static final int POLL = 40;
    static final int BATCH_FORGET = 42;

    // struct fuse_in_header: len u32, opcode u32, unique u64, nodeid u64, uid u32, gid u32,
    // pid u32, total_extlen u16, padding u16.
    static final int IN_HEADER_SIZE = 40;
    static final long IN_LEN = 0;
    static final long IN_OPCODE = 4;
    static final long IN_UNIQUE = 8;
    static final long IN_NODEID = 16;
    static final long IN_UID = 24;
    static final long IN_GID = 28;
    static final long IN_PID = 32;

    // struct fuse_out_header: len u32, error i32 (-errno), unique u64.
    static final int OUT_HEADER_SIZE = 16;
    static final long OUT_LEN = 0;
    static final long OUT_ERROR = 4;
    static final long OUT_UNIQUE = 8;

    /** The in-header's {@code unique} of an INTERRUPT has this bit set (kernel 5.0+); the body names the request. */
    static final long INT_REQ_BIT = 1;

    /** The node id of the mount's root directory. */
    static final long ROOT_ID = 1;

    // Notifications: an out header with unique 0 and the notify code in the error field.
    static final int NOTIFY_POLL = 1;
    static final int NOTIFY_INVAL_ENTRY = 3;

    /** {@code FUSE_DEV_IOC_CLONE = _IOR(229, 0, uint32_t)}: attaches a new /dev/fuse fd to a session. */
    static final long DEV_IOC_CLONE = 0x8004E500L;

    /** Smallest read buffer the kernel accepts on {@code /dev/fuse}: 1 MiB of data plus 8 KiB. */
    static final int MIN_READ_BUFFER = 1024 * 1024 + 8 * 1024;

    // struct fuse_init_in: major u32, minor u32, max_readahead u32, flags u32, flags2 u32, unused.
    static final long INIT_IN_MAJOR = 0;
    static final long INIT_IN_MINOR = 4;
    static final long INIT_IN_MAX_READAHEAD = 8;
    static final long INIT_IN_FLAGS = 12;

    // struct fuse_init_out (64 bytes): major u32, minor u32, max_readahead u32, flags u32,
    // max_background u16, congestion_threshold u16, max_write u32, time_gran u32, max_pages u16,
    // map_alignment u16, flags2 u32, max_stack_depth u32, request_timeout u16, unused u16[11].
    static final int INIT_OUT_SIZE = 64;
    static final long INIT_OUT_MAJOR = 0;
    static final long INIT_OUT_MINOR = 4;
    static final long INIT_OUT_MAX_READAHEAD = 8;
    static final long INIT_OUT_FLAGS = 12;
    static final long INIT_OUT_MAX_BACKGROUND = 16;
    static final long INIT_OUT_CONGESTION_THRESHOLD = 18;
    static final long INIT_OUT_MAX_WRITE = 20;
    static final long INIT_OUT_TIME_GRAN = 24;

    /** INIT flag: O_TRUNC travels in the OPEN request, so no SETATTR(size=0) precedes it. */
    static final int FUSE_ATOMIC_O_TRUNC = 1 << 3;
    /** INIT flag: writes larger than one page are allowed (needed before 7.x kernels honour max_write). */
    static final int FUSE_BIG_WRITES = 1 << 5;

    // struct fuse_attr (88 bytes): ino, size, blocks, atime, mtime, ctime (u64 each),
    // atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags (u32 each).
    static final long ATTR_INO = 0;
    static final long ATTR_SIZE = 8;
    static final long ATTR_BLOCKS = 16;
    static final long ATTR_ATIME = 24;
    static final long ATTR_MTIME = 32;
    static final long ATTR_CTIME = 40;
    static final long ATTR_MODE = 60;
    static final long ATTR_NLINK = 64;
    static final long ATTR_UID = 68;
    static final long ATTR_GID = 72;
    static final long ATTR_BLKSIZE = 80;

    // struct fuse_attr_out (104 bytes): attr_valid u64, attr_valid_nsec u32, dummy u32, fuse_attr.
    static final int ATTR_OUT_SIZE = 104;
    static final long ATTR_OUT_VALID = 0;
    static final long ATTR_OUT_ATTR = 16;

    /** {@code S_IFREG}: the file type bits of a regular file. */
    static final int S_IFREG = 0100000;
    /** {@code S_IFDIR}: the file type bits of a directory. */
    static final int S_IFDIR = 0040000;
    /** {@code DT_REG} and {@code DT_DIR}: the type in a directory entry. */
    static final int DT_REG = 8;
    static final int DT_DIR = 4;
    /** {@code S_IFLNK} and {@code DT_LNK}: a symbolic link. */
    static final int S_IFLNK = 0120000;
    static final int DT_LNK = 10;

    // struct fuse_entry_out (128 bytes): nodeid, generation, entry_valid, attr_valid (u64 each),
    // entry_valid_nsec, attr_valid_nsec (u32 each), fuse_attr.
    static final int ENTRY_OUT_SIZE = 128;
    static final long ENTRY_OUT_NODEID = 0;
    static final long ENTRY_OUT_ENTRY_VALID = 16;
    static final long ENTRY_OUT_ATTR_VALID = 24;
    static final long ENTRY_OUT_ATTR = 40;

    // struct fuse_forget_in: nlookup u64. struct fuse_batch_forget_in: count u32, dummy u32, then
    // struct fuse_forget_one {nodeid u64, nlookup u64} times count.
    static final long FORGET_IN_NLOOKUP = 0;
    static final int BATCH_FORGET_IN_SIZE = 8;
    static final int FORGET_ONE_SIZE = 16;

    // struct fuse_setattr_in: valid u32, padding u32, fh u64, size u64, ...
    static final long SETATTR_IN_VALID = 0;
    static final int FATTR_MODE = 1;
    static final int FATTR_UID = 1 << 1;
    static final int FATTR_GID = 1 << 2;

    // struct fuse_dirent: ino u64, off u64, namelen u32, type u32, name (padded to 8 bytes).
    static final int DIRENT_HEADER_SIZE = 24;

    // struct fuse_kstatfs (80 bytes): blocks, bfree, bavail, files, ffree (u64), bsize, namelen,
    // frsize, padding (u32), spare u32[6].
    static final int STATFS_OUT_SIZE = 80;
    static final long STATFS_BSIZE = 40;
    static final long STATFS_NAMELEN = 44;
    static final long STATFS_FRSIZE = 48;

    // struct fuse_interrupt_in: unique u64.
    static final long INTERRUPT_IN_UNIQUE = 0;

    // struct fuse_ioctl_in (32 bytes): fh u64, flags u32, cmd u32, arg u64, in_size u32, out_size u32;
    // the input data follows.
    static final int IOCTL_IN_SIZE = 32;
    static final long IOCTL_IN_FH = 0;
    static final long IOCTL_IN_FLAGS = 8;
    static final long IOCTL_IN_CMD = 12;
    static final long IOCTL_IN_IN_SIZE = 24;
    static final long IOCTL_IN_OUT_SIZE = 28;
    /** ioctl flag: a CUSE-style unrestricted ioctl (never sent for a FUSE file system). */
    static final int IOCTL_UNRESTRICTED = 1 << 1;
    /** ioctl flag: the ioctl is on a directory. */
    static final int IOCTL_DIR = 1 << 4;

    // struct fuse_ioctl_out (16 bytes): result i32, flags u32, in_iovs u32, out_iovs u32; the output
    // data follows.
    static final int IOCTL_OUT_SIZE = 16;

    // struct fuse_poll_in (24 bytes): fh u64, kh u64, flags u32, events u32.
    static final long POLL_IN_FH = 0;
    static final long POLL_IN_KH = 8;
    static final long POLL_IN_FLAGS = 16;
    static final long POLL_IN_EVENTS = 20;
    /** poll flag: the kernel wants a FUSE_NOTIFY_POLL with this kh when readiness changes. */
    static final int POLL_SCHEDULE_NOTIFY = 1;
    // struct fuse_poll_out (8 bytes): revents u32, padding u32.
    static final int POLL_OUT_SIZE = 8;
    static final int POLLIN = 0x1;
    static final int POLLOUT = 0x4;
    static final int POLLERR = 0x8;
    static final int POLLHUP = 0x10;
    static final int POLLRDNORM = 0x40;
    static final int POLLWRNORM = 0x100;

    // struct fuse_open_in: flags u32, open_flags u32.
    static final long OPEN_IN_FLAGS = 0;

    // struct fuse_open_out (16 bytes): fh u64, open_flags u32, backing_id i32.
    static final int OPEN_OUT_SIZE = 16;
    static final long OPEN_OUT_FH = 0;
    static final long OPEN_OUT_FLAGS = 8;

    /** Open reply flag: bypass the page cache, every read and write reaches the server. */
    static final int FOPEN_DIRECT_IO = 1 << 0;
    /** Open reply flag: the file cannot be seeked (lseek fails with ESPIPE). */
    static final int FOPEN_NONSEEKABLE = 1 << 2;
    /** Open reply flag: a stream, the kernel does not track or serialise a file position. */
    static final int FOPEN_STREAM = 1 << 4;

    // struct fuse_read_in / fuse_write_in (40 bytes): fh u64, offset u64, size u32, flags u32,
    // lock_owner u64, flags u32, padding u32. The data of a write follows the struct.
    static final int RW_IN_SIZE = 40;
    static final long RW_IN_FH = 0;
    static final long RW_IN_OFFSET = 8;
    static final long RW_IN_SIZE_FIELD = 16;

    // struct fuse_write_out (8 bytes): size u32, padding u32.
    static final int WRITE_OUT_SIZE = 8;

    // struct fuse_fsync_in (16 bytes): fh u64, fsync_flags u32, padding u32.
    static final long FSYNC_IN_FH = 0;

    // struct fuse_release_in: fh u64, flags u32, release_flags u32, lock_owner u64.
    static final long RELEASE_IN_FH = 0;

    private FuseProtocol() {
    }
}
