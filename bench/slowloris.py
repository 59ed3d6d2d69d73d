"""Slow clients for `make bench` (issue 11 item 5): connections that send a request's headers
one line every few seconds and never finish them, as the slowloris attack does.

Only ever to 127.0.0.1, to a server the benchmark itself started; it stops when its block ends.
"""

import contextlib
import socket
import threading

HOST = "127.0.0.1"


class Slowloris:
    def __init__(self, port, count=200, interval=2.0):
        self.port, self.count, self.interval = port, count, interval
        self.sockets = []
        self.opened = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _open(self):
        with contextlib.suppress(OSError):
            connection = socket.create_connection((HOST, self.port), timeout=2)
            connection.sendall(f"GET /stories/ HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            self.opened += 1
            return connection
        return None

    def _run(self):
        while not self._stop.is_set():
            alive = []
            for connection in self.sockets:
                try:
                    connection.sendall(b"X-Still-Typing: 1\r\n")
                    alive.append(connection)
                except OSError:
                    connection.close()
            # The server gave up on some: open new ones, so `count` stay open all the time.
            alive += [c for c in (self._open() for _ in range(self.count - len(alive))) if c is not None]
            self.sockets = alive
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for connection in self.sockets:
            connection.close()
