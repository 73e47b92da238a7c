#!/usr/bin/env python3
"""How long `salud serve` takes from saving a narrative to telling the browser to reload.

    python3 bench/serve_edit.py SITE [--edits 10]

Starts `salud serve` on SITE (e.g. bench/work/2000/salud, made by bench/run.py), subscribes
to its reload events as a browser does, appends a sentence to one narrative at a random
moment, and measures the time until the reload event arrives, `--edits` times. Prints each
figure, the median, and what the server said it rebuilt. The server is woken by the
operating system's file events and waits 10 ms for an editor's save to settle.
"""

import argparse
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=10)
    parser.add_argument("--port", type=int, default=18111)
    args = parser.parse_args()
    narratives = sorted((args.site / "content").rglob("*.md"))
    target = narratives[len(narratives) // 2]
    original = target.read_text()
    server = subprocess.Popen([str(REPO / "target/release/salud"), "serve", "--root", str(args.site), "--port", str(args.port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        started = time.time()
        while True:
            try:
                socket.create_connection(("127.0.0.1", args.port), timeout=1).close()
                break
            except OSError:
                if time.time() - started > 600:
                    sys.exit("the server did not start")
                time.sleep(0.2)
        print(f"server ready after {time.time() - started:.1f} s (first build in memory)")
        events = socket.create_connection(("127.0.0.1", args.port))
        events.sendall(b"GET /__salud/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
        events.settimeout(10)
        events.recv(4096)  # headers and the first comment
        waits = []
        for i in range(args.edits):
            time.sleep(random.uniform(0.3, 0.8))
            with target.open("a") as f:
                f.write(f"\nEdit number {i} while serving.\n")
            saved = time.time()
            while b"reload" not in events.recv(4096):
                pass
            waits.append((time.time() - saved) * 1000)
        print(f"edited {target}")
        print("save to reload event, ms: " + ", ".join(f"{w:.0f}" for w in waits))
        print(f"median {statistics.median(waits):.0f} ms")
    finally:
        target.write_text(original)
        server.terminate()
        out = server.communicate(timeout=10)[0]
        rebuilt = [line for line in out.splitlines() if "Rebuilt" in line]
        print("server: " + "; ".join(rebuilt[-args.edits:]))


if __name__ == "__main__":
    main()
