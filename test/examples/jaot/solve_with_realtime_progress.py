# jaot.txt, "Complete examples", verbatim. test/integration/dialect-jaot.test.ts runs it against the bridge
# with API_KEY, BASE_URL and WS_BASE replaced, and the key added to ws_url as ?token=: the doc's session sends
# its Authorization header only with the POST, so the socket would otherwise carry no key.
import asyncio
import json
import aiohttp

API_KEY = "ok_live_..."
BASE_URL = "https://api.jaot.io"
WS_BASE = "wss://api.jaot.io"

async def solve_with_realtime_progress(problem: dict):
    headers = {
        "Authorization": f"Bearer {API_KEY}",
        "Content-Type": "application/json",
    }

    async with aiohttp.ClientSession() as session:
        # 1. Start async solve
        async with session.post(
            f"{BASE_URL}/api/v2/solve/async",
            headers=headers,
            json=problem,
        ) as resp:
            data = await resp.json()
            task_id = data["task_id"]
            print(f"Solve started: {task_id}")

        # 2. Connect WebSocket for real-time updates
        ws_url = f"{WS_BASE}/api/v2/ws/executions/{task_id}"
        async with session.ws_connect(ws_url) as ws:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    msg_type = data.get("type")

                    if msg_type == "status":
                        print(f"Initial status: {data['status']}")

                    elif msg_type == "progress":
                        pct = data.get("progress", 0) * 100
                        obj = data.get("objective_value", "?")
                        gap = data.get("gap", "?")
                        print(f"Progress: {pct:.0f}% | Objective: {obj} | Gap: {gap}")

                    elif msg_type == "completed":
                        result = data["result"]
                        print(f"\nSolve completed!")
                        print(f"Status: {result['status']}")
                        print(f"Objective: {result['objective_value']}")
                        print(f"Solution: {result['solution']}")
                        print(f"Time: {result['solve_time_seconds']}s")
                        print(f"Credits used: {result['credits_used']}")
                        break

                    elif msg_type == "failed":
                        print(f"Solve failed: {data['error']}")
                        break

                elif msg.type == aiohttp.WSMsgType.ERROR:
                    print(f"WebSocket error: {ws.exception()}")
                    break

# Example usage
problem = {
    "name": "production_planning",
    "objective": {
        "sense": "maximize",
        "expression": "50*widgets + 40*gadgets",
    },
    "variables": [
        {"name": "widgets", "type": "integer", "lower_bound": 0, "upper_bound": 100},
        {"name": "gadgets", "type": "integer", "lower_bound": 0, "upper_bound": 80},
    ],
    "constraints": [
        {"name": "machine_hours", "expression": "2*widgets + 3*gadgets <= 240"},
        {"name": "labor_hours", "expression": "4*widgets + 2*gadgets <= 200"},
    ],
}

asyncio.run(solve_with_realtime_progress(problem))
