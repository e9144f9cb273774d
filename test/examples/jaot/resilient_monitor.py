# jaot.txt, "Error handling and reconnection", verbatim, to watch an execution someone else started.
# test/integration/dialect-jaot.test.ts replaces the URL (adding ?token=, as the doc's socket carries no key)
# and the execution id "abc-123". poll_for_result is the doc's polling section; it is reached only when every
# reconnect fails, which the test does not exercise.
import asyncio
import aiohttp
import json

async def resilient_monitor(task_id: str, max_retries: int = 3):
    ws_url = f"wss://api.jaot.io/api/v2/ws/executions/{task_id}"
    retries = 0

    while retries < max_retries:
        try:
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(ws_url) as ws:
                    retries = 0  # Reset on successful connect
                    async for msg in ws:
                        if msg.type == aiohttp.WSMsgType.TEXT:
                            data = json.loads(msg.data)
                            if data["type"] in ("completed", "failed", "cancelled"):
                                return data  # Terminal state -- done
                            print(f"Progress: {data.get('progress', 0):.0%}")
        except (aiohttp.ClientError, ConnectionError) as e:
            retries += 1
            wait = min(2 ** retries, 30)  # Exponential backoff, max 30s
            print(f"Connection lost ({e}). Reconnecting in {wait}s...")
            await asyncio.sleep(wait)

    # Fallback to HTTP polling
    print("WebSocket reconnection failed. Falling back to HTTP polling.")
    return await poll_for_result(task_id)

# Not in the doc: run it on one execution and print the terminal message it returns.
print(json.dumps(asyncio.run(resilient_monitor("abc-123"))))
