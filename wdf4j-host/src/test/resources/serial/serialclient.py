#!/usr/bin/env python3
"""The serial tests' client: a real program that uses a wdf4j serial port the way terminal programs do, through
Python's serial module (pyserial, Debian's python3-serial). The Java tests run it and assert the lines it prints.

  echo PATH BAUD TEXT...     opens the port at BAUD, 8N1, writes each TEXT and reads back as many bytes:
                             prints ``echo <text>`` for each, ``timeout <got>`` when the bytes do not all come.
  modem PATH CMD...          opens the port at 9600, sends each CMD followed by CR and reads until a final result
                             code (OK or ERROR): prints ``answer <repr of everything read>`` for each.
  hold PATH                  opens the port, prints ``open``, waits for EOF on stdin, then writes and reads:
                             prints ``after <what happened>``: ``error <ERRNONAME>`` or ``eof`` or ``data <hex>``.
  random PATH SEED COUNT     writes COUNT blocks of random sizes (1..512) and contents from SEED and reads each back:
                             prints ``ok <total bytes>`` or ``mismatch <block>``.
"""

import errno
import os
import random
import sys

import serial


def say(line):
    print(line, flush=True)


def read_exactly(port, n):
    data = b""
    while len(data) < n:
        chunk = port.read(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def main(argv):
    command, path = argv[1], argv[2]
    if command == "echo":
        with serial.Serial(path, int(argv[3]), timeout=10) as port:
            for text in argv[4:]:
                port.write(text.encode())
                got = read_exactly(port, len(text.encode()))
                say(("echo " + got.decode()) if len(got) == len(text.encode()) else "timeout " + repr(got))
    elif command == "modem":
        with serial.Serial(path, 9600, timeout=10) as port:
            for cmd in argv[3:]:
                port.write(cmd.encode() + b"\r")
                data = b""
                while not (data.endswith(b"OK\r\n") or data.endswith(b"ERROR\r\n")):
                    chunk = port.read(1)
                    if not chunk:
                        break
                    data += chunk
                say("answer " + repr(data.decode()))
    elif command == "hold":
        port = serial.Serial(path, 9600, timeout=2)
        say("open")
        sys.stdin.read()
        try:
            port.write(b"x")
            port.flush()
            data = port.read(1)
            say("after " + ("data " + data.hex() if data else "eof"))
        except serial.SerialException as e:
            code = getattr(e, "errno", None)
            say("after error " + (errno.errorcode.get(code, str(code)) if code else type(e).__name__ + ": " + str(e)))
        except OSError as e:
            say("after error " + errno.errorcode.get(e.errno, str(e.errno)))
    elif command == "random":
        rng = random.Random(int(argv[3]))
        total = 0
        with serial.Serial(path, 115200, timeout=10) as port:
            for block in range(int(argv[4])):
                data = rng.randbytes(rng.randint(1, 512))
                port.write(data)
                if read_exactly(port, len(data)) != data:
                    say("mismatch %d" % block)
                    return 1
                total += len(data)
        say("ok %d" % total)
    else:
        say("unknown command " + command)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
