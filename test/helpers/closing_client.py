"""A client of any dialect written against Python's `websockets`, as the vendor docs' examples are.

Usage: closing_client.py URL SUBSCRIBE_JSON|- client|server
Reads until the job's terminal message; then either closes itself ("client") or waits for the server to
close ("server"). Prints one JSON line: how long the closing handshake took, the close code, the messages.
"""
import asyncio
import json
import sys
import time

import websockets

TERMINAL = {"completed", "failed", "cancelled", "campaign_complete", "job_completed", "job_failed", "job_cancelled"}


def is_terminal(message):
    if not isinstance(message, dict):
        return False
    if message.get("type") in TERMINAL:
        return True
    events = [message.get("event")] if message.get("type") == "event" else message.get("data", []) if message.get("type") == "replay" else []
    return any(isinstance(e, dict) and e.get("eventType") in TERMINAL for e in events)


async def main(url, subscribe, mode):
    messages = []
    started = None
    ws = await websockets.connect(url)
    if subscribe != "-":
        try:
            await ws.send(subscribe)
        except websockets.ConnectionClosed:
            pass  # refused before the subscription went out; the refusal is still read below
    try:
        async for text in ws:
            message = json.loads(text) if text.startswith(("{", "[")) else text
            messages.append(message)
            if is_terminal(message):
                started = time.perf_counter()
                break
    except websockets.ConnectionClosed:
        started = started or time.perf_counter()
    if mode == "client":
        await ws.close()
    else:
        await ws.wait_closed()
    close_ms = (time.perf_counter() - started) * 1000 if started else None
    print(json.dumps({"closeMs": close_ms, "code": ws.close_code, "messages": len(messages)}))


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
