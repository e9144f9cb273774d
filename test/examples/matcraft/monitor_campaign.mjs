// matcraft.txt, "JavaScript Client Example", verbatim. test/integration/dialect-matcraft.test.ts runs it with
// node against the bridge, replacing the URL's host, campaign id and token.
// Node 20 has no WebSocket global; the `ws` package provides the browser API the doc's code uses.
globalThis.WebSocket = (await import('ws')).default;

const ws = new WebSocket(
  "wss://api.matcraft.ai/api/v1/ws/campaigns/camp_abc123?token=mc_live_abc123"
);
ws.onopen = () => {
  console.log("Connected to campaign stream");
};
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  switch (message.type) {
    case "iteration_start":
      console.log(`Iteration ${message.data.iteration} starting`);
      break;
    case "iteration_complete":
      console.log(`Iteration ${message.data.iteration} complete`);
      console.log(`Hypervolume: ${message.data.hypervolume}`);
      break;
    case "campaign_complete":
      console.log("Campaign finished!");
      ws.close();
      break;
  }
};
ws.onerror = (error) => {
  console.error("WebSocket error:", error);
};
