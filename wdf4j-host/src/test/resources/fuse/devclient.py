#!/usr/bin/env python3
"""The FUSE tests' client: a real program that uses a device file the way applications do.

The Java tests run it against a device's file (a FusePipeDriver device, for instance) and assert the one line each
subcommand prints on stdout. It exits 0 unless noted; an unexpected OSError prints ``error <ERRNONAME>`` and exits 1.

  ioctl PATH CMD INHEX OUTSIZE   ioctl(fd, CMD, buf): CMD decimal or 0x hex (unsigned 32-bit), INHEX the input
                                 bytes ('-' for none), buf max(len(input), OUTSIZE) bytes starting with the input.
                                 Prints ``ok <result> <hex of buf[:OUTSIZE]>``, or ``errno <NAME>`` (exit 0).
  read-interrupted PATH DELAY_MS read(2) through libc (no retry on EINTR, unlike os.read: PEP 475), interrupted by
                                 SIGALRM after DELAY_MS. Prints ``reading``, then ``errno <NAME>`` or ``data <n>``.
  read-block PATH                prints ``reading``, then blocks in read until data: ``data <hex>``.
  poll PATH TIMEOUT_MS           prints ``polling``, then ``events <int>`` or ``timeout`` (POLLIN on an O_RDWR open).
  poll-then-read PATH TIMEOUT_MS as poll, then on POLLIN reads: ``events <int> data <utf-8 text>``.
  write PATH TEXT                prints ``wrote <n>``.
  open PATH                      opens O_RDWR: ``ok`` or ``errno <NAME>``.
  hold PATH                      opens O_RDWR, prints ``open``, waits for EOF on stdin, then reads once:
                                 ``after <data hex>`` or ``after errno <NAME>``.
"""

import ctypes
import errno
import fcntl
import os
import select
import signal
import sys


def say(line):
    print(line, flush=True)


def errname(e):
    return errno.errorcode.get(e.errno, str(e.errno))


def cmd_ioctl(path, cmd, inhex, outsize):
    request = int(cmd, 0) & 0xFFFFFFFF
    data = b"" if inhex == "-" else bytes.fromhex(inhex)
    outsize = int(outsize)
    buf = bytearray(max(len(data), outsize))
    buf[:len(data)] = data
    fd = os.open(path, os.O_RDWR)
    try:
        result = fcntl.ioctl(fd, request, buf, True)
    except OSError as e:
        say(f"errno {errname(e)}")
        return
    finally:
        os.close(fd)
    say(f"ok {result} {bytes(buf[:outsize]).hex()}")


def cmd_read_interrupted(path, delay_ms):
    fd = os.open(path, os.O_RDONLY)
    signal.signal(signal.SIGALRM, lambda signum, frame: None)
    signal.siginterrupt(signal.SIGALRM, True)  # no SA_RESTART: the read fails with EINTR
    libc = ctypes.CDLL(None, use_errno=True)
    libc.read.argtypes = (ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t)
    libc.read.restype = ctypes.c_ssize_t
    buf = ctypes.create_string_buffer(4096)
    say("reading")
    signal.setitimer(signal.ITIMER_REAL, int(delay_ms) / 1000)
    n = libc.read(fd, buf, 4096)
    signal.setitimer(signal.ITIMER_REAL, 0)
    if n < 0:
        code = ctypes.get_errno()
        say(f"errno {errno.errorcode.get(code, str(code))}")
    else:
        say(f"data {n}")
    os.close(fd)


def cmd_read_block(path):
    fd = os.open(path, os.O_RDONLY)
    say("reading")
    say(f"data {os.read(fd, 4096).hex()}")
    os.close(fd)


def poll_in(fd, timeout_ms):
    say("polling")
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    events = poller.poll(int(timeout_ms))
    return events[0][1] if events else None


def cmd_poll(path, timeout_ms):
    fd = os.open(path, os.O_RDWR)
    events = poll_in(fd, timeout_ms)
    say("timeout" if events is None else f"events {events}")
    os.close(fd)


def cmd_poll_then_read(path, timeout_ms):
    fd = os.open(path, os.O_RDWR)
    events = poll_in(fd, timeout_ms)
    if events is None:
        say("timeout")
    elif events & select.POLLIN:
        say(f"events {events} data {os.read(fd, 4096).decode('utf-8', 'replace')}")
    else:
        say(f"events {events}")
    os.close(fd)


def cmd_write(path, text):
    fd = os.open(path, os.O_WRONLY)
    say(f"wrote {os.write(fd, text.encode('utf-8'))}")
    os.close(fd)


def cmd_open(path):
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError as e:
        say(f"errno {errname(e)}")
        return
    os.close(fd)
    say("ok")


def cmd_hold(path):
    fd = os.open(path, os.O_RDWR)
    say("open")
    sys.stdin.read()
    try:
        after = os.read(fd, 16).hex()
    except OSError as e:
        after = f"errno {errname(e)}"
    say(f"after {after}")
    try:
        os.close(fd)
    except OSError:
        pass


COMMANDS = {
    "ioctl": cmd_ioctl,
    "read-interrupted": cmd_read_interrupted,
    "read-block": cmd_read_block,
    "poll": cmd_poll,
    "poll-then-read": cmd_poll_then_read,
    "write": cmd_write,
    "open": cmd_open,
    "hold": cmd_hold,
}


def main(argv):
    command = COMMANDS.get(argv[1]) if len(argv) > 1 else None
    if command is None or command.__code__.co_argcount != len(argv) - 2:
        sys.stderr.write(__doc__)
        return 2
    try:
        command(*argv[2:])
    except OSError as e:
        say(f"error {errname(e)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
