#!/usr/bin/env python3
"""Opens N streaming chat completions at once against a gateway and checks each one: served when it
ends with `data: [DONE]` and carries no error chunk. Prints one machine-readable RESULT line.
Usage: streams_client.py URL KEY N MODEL"""
import asyncio
import json
import sys
import time
from urllib.parse import urlparse

URL, KEY, N, MODEL = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
u = urlparse(URL)
BODY = json.dumps({"model": MODEL, "stream": True, "max_tokens": 64,
                   "messages": [{"role": "user", "content": "Hello! How are you today?"}]}).encode()
REQUEST = (f"POST {u.path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nAuthorization: Bearer {KEY}\r\n"
           f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\nConnection: close\r\n\r\n").encode() + BODY


async def one(results, opened):
    try:
        reader, writer = await asyncio.open_connection(u.hostname, u.port)
        opened.append(1)
        writer.write(REQUEST)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), timeout=120)
        writer.close()
        text = data.decode(errors="replace")
        status = text.split(" ", 2)[1] if text.startswith("HTTP/") else "none"
        if status == "200" and "data: [DONE]" in text and '"error"' not in text:
            results["served"] += 1
        else:
            results["failed"] += 1
            results.setdefault("first_failure", text[:300])
    except Exception as e:  # noqa: BLE001 - a bench counts every way a stream can fail
        results["failed"] += 1
        results.setdefault("first_failure", repr(e))


async def main():
    results = {"served": 0, "failed": 0}
    opened = []
    start = time.monotonic()
    await asyncio.gather(*(one(results, opened) for _ in range(N)))
    took = time.monotonic() - start
    print(f"RESULT streams={N} served={results['served']} failed={results['failed']} seconds={took:.1f}")
    if "first_failure" in results:
        print("first failure: " + results["first_failure"].replace("\r\n", " | "), file=sys.stderr)


asyncio.run(main())
