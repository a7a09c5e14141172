"""Loopback feed server for the fetch benchmark: keep-alive HTTP/1.1, ETag/Last-Modified, latency.

Serves `<corpus>/NNNN.xml` as `/feed/NNNN.xml` on several loopback addresses (127.0.0.1,
127.0.0.2, …: all of 127.0.0.0/8 is local on Linux), so feeds sit on distinct hosts as on the
real web. Each response waits `--latency` seconds first. A request carrying the feed's ETag in
If-None-Match (or its Last-Modified in If-Modified-Since) gets a 304. Bodies are gzipped when
the client accepts gzip. Prints `READY <port>` once listening.

    uv run python bench/serve.py --corpus /tmp/briefing-bench/corpus-50-v2 --latency 0.05 --hosts 50
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
from pathlib import Path

LAST_MODIFIED = "Wed, 01 Apr 2026 06:00:00 GMT"


class Corpus:
    def __init__(self, folder: Path) -> None:
        self.plain: dict[str, bytes] = {}
        self.gzipped: dict[str, bytes] = {}
        self.etags: dict[str, str] = {}
        for path in sorted(folder.glob("*.xml")):
            data = path.read_bytes()
            key = f"/feed/{path.name}"
            self.plain[key] = data
            self.gzipped[key] = gzip.compress(data, compresslevel=6, mtime=0)
            self.etags[key] = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'


async def handle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, corpus: Corpus, latency: float
) -> None:
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                return
            headers: dict[str, str] = {}
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                key, _, value = line.decode("latin-1").partition(":")
                headers[key.strip().lower()] = value.strip()
            parts = request_line.decode("latin-1").split()
            path = parts[1] if len(parts) > 1 else "/"
            if latency:
                await asyncio.sleep(latency)
            body = corpus.plain.get(path)
            extra = ""
            if body is None:
                status, body = "404 Not Found", b"not found"
            elif headers.get("if-none-match") == corpus.etags[path] or (
                headers.get("if-modified-since") == LAST_MODIFIED
            ):
                status, body = "304 Not Modified", b""
                extra = f"ETag: {corpus.etags[path]}\r\n"
            else:
                status = "200 OK"
                extra = f"ETag: {corpus.etags[path]}\r\nLast-Modified: {LAST_MODIFIED}\r\n"
                if "gzip" in headers.get("accept-encoding", ""):
                    body = corpus.gzipped[path]
                    extra += "Content-Encoding: gzip\r\n"
                extra += "Content-Type: application/rss+xml; charset=utf-8\r\n"
            writer.write(
                f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body
            )
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                return
    except (ConnectionError, asyncio.IncompleteReadError):
        return
    finally:
        writer.close()


async def serve(corpus: Corpus, latency: float, hosts: int, port: int) -> None:
    def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> asyncio.Task[None]:
        return asyncio.ensure_future(handle(reader, writer, corpus, latency))

    first = await asyncio.start_server(handler, "127.0.0.1", port, backlog=4096)
    port = first.sockets[0].getsockname()[1]
    servers = [first]
    for i in range(2, hosts + 1):
        servers.append(await asyncio.start_server(handler, f"127.0.0.{i}", port, backlog=4096))
    print(f"READY {port}", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--hosts", type=int, default=50, help="loopback addresses to listen on")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        asyncio.run(serve(Corpus(args.corpus), args.latency, args.hosts, args.port))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
