# matcraft.txt, "Python Client Example", verbatim (the doc's page lost its indentation; restored here).
# test/integration/dialect-matcraft.test.ts runs it against the bridge, replacing the URL's host, the
# campaign id and the key.
import asyncio
import websockets
import json
async def monitor_campaign(campaign_id, api_key):
    uri = f"wss://api.matcraft.ai/api/v1/ws/campaigns/{campaign_id}?token={api_key}"
    async with websockets.connect(uri) as ws:
        async for message in ws:
            data = json.loads(message)
            if data["type"] == "iteration_complete":
                print(f"Iter {data['data']['iteration']}: HV={data['data']['hypervolume']:.4f}")
            elif data["type"] == "campaign_complete":
                print("Campaign finished!")
                break
asyncio.run(monitor_campaign("camp_abc123", "mc_live_abc123"))
