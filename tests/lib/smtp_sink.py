"""smtp_sink.py: a real SMTP receiver for the mail tests (Debian's aiosmtpd):
each message it accepts becomes one file in a folder.

    python3 tests/lib/smtp_sink.py PORT DIR [--delay SECONDS] [--lose-replies N]

Listens on 127.0.0.1:PORT until SIGTERM. Every accepted message is written
to DIR/<n>.eml (raw, as received; written under a temporary name and
renamed, so a reader never sees half of one) after --delay seconds (a slow
relay, to catch the sender mid-batch). --lose-replies N: for the first N
messages the relay keeps the message and drops the connection instead of
answering 250 (a reply lost on the way back). Prints "ready" when it
listens.
"""
import asyncio
import os
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder, delay, lose):
        self.folder = folder
        self.delay = delay
        self.lose = lose
        self.n = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            self.n += 1
            n = self.n
        tmp = os.path.join(self.folder, ".%06d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.folder, "%06d.eml" % n))
        if n <= self.lose:
            # Kept, but the sender never hears so.
            session.transport = None
            server.transport.abort()
            return "421 lost"
        return "250 OK"


def main():
    port = int(sys.argv[1])
    folder = sys.argv[2]
    delay = 0.0
    lose = 0
    args = sys.argv[3:]
    while args:
        if args[0] == "--delay":
            delay = float(args[1])
        elif args[0] == "--lose-replies":
            lose = int(args[1])
        args = args[2:]
    os.makedirs(folder, exist_ok=True)
    ctl = Controller(Sink(folder, delay, lose), hostname="127.0.0.1",
                     port=port, data_size_limit=4 * 1024 * 1024)
    ctl.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.2):
        pass
    ctl.stop()


if __name__ == "__main__":
    main()
