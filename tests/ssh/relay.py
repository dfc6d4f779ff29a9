"""A ProxyCommand for tests: relays stdin/stdout to a TCP address (``relay.py HOST PORT``),
as ``nc HOST PORT`` would, so a test can reach a server by a path other than its name."""

from __future__ import annotations

import socket
import sys
import threading


def main() -> None:
    sock = socket.create_connection((sys.argv[1], int(sys.argv[2])))

    def upstream() -> None:
        while data := sys.stdin.buffer.read1(65536):
            sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)

    threading.Thread(target=upstream, daemon=True).start()
    while data := sock.recv(65536):
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
