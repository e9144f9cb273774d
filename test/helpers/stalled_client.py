"""A client that stops reading for a while, as a stalled browser tab does, then reads what it still gets.

Usage: stalled_client.py URL STALL_SECONDS
A small receive buffer (which also stops the kernel growing it) and a one-message queue make the stall reach
the server at once. Prints one JSON line: the seqs received, the close code and reason.
"""
import asyncio
import json
import socket
import sys
import urllib.parse

import websockets


async def main(url, stall_s):
    parsed = urllib.parse.urlsplit(url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.connect((parsed.hostname, parsed.port))
    seqs = []
    ws = await websockets.connect(url, sock=sock, max_queue=1, max_size=None)
    await asyncio.sleep(stall_s)
    try:
        async for text in ws:
            seqs.append(json.loads(text)["x_bridge"]["seq"])
    except websockets.ConnectionClosed:
        pass
    print(json.dumps({"seqs": seqs, "code": ws.close_code, "reason": ws.close_reason}))


asyncio.run(main(sys.argv[1], float(sys.argv[2])))
