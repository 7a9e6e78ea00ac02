#!/usr/bin/env python3
"""A slow OpenAI-compatible upstream for the many-streams bench: every POST gets a chat completion
stream of CHUNKS content chunks, GAP_MS apart, then a usage chunk and [DONE]. Keep-alive, any number
of connections (asyncio), loopback only. Usage: drip.py PORT [CHUNKS] [GAP_MS]"""
import asyncio
import json
import sys

PORT = int(sys.argv[1])
CHUNKS = int(sys.argv[2]) if len(sys.argv) > 2 else 10
GAP = (int(sys.argv[3]) if len(sys.argv) > 3 else 1000) / 1000.0


def event(payload):
    body = "data: " + json.dumps(payload) + "\n\n"
    return f"{len(body.encode()):x}\r\n{body}\r\n".encode()


def chunk(delta, finish=None, usage=None):
    return event({"id": "chatcmpl-drip", "object": "chat.completion.chunk", "created": 1, "model": "drip",
                  "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}],
                  "usage": usage})


async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
            writer.write(chunk({"role": "assistant", "content": ""}))
            await writer.drain()
            for i in range(CHUNKS):
                await asyncio.sleep(GAP)
                writer.write(chunk({"content": f"tok{i} "}))
                await writer.drain()
            writer.write(chunk({}, finish="stop"))
            writer.write(chunk(None, usage={"prompt_tokens": 20, "completion_tokens": CHUNKS,
                                            "total_tokens": 20 + CHUNKS}))
            writer.write(event_done())
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


def event_done():
    body = "data: [DONE]\n\n"
    return f"{len(body):x}\r\n{body}\r\n0\r\n\r\n".encode()


async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", PORT, backlog=16384, limit=1 << 20)
    async with server:
        await server.serve_forever()


asyncio.run(main())
