// mutagent.txt's first client example, as the doc writes it except for the URL (the bridge's, with the
// API key as ?token=) and the job id, both from the environment, and the one marked change at the end.
// Run: BRIDGE_WS=ws://… BRIDGE_TOKEN=… JOB_ID=… node --import ./websocket-global.mjs subscribe.mjs

// Connect to WebSocket
const ws = new WebSocket(`${process.env.BRIDGE_WS}/ws/optimization?token=${process.env.BRIDGE_TOKEN}`);
ws.onopen = () => {
  // Subscribe to a job
  ws.send(JSON.stringify({
    type: 'subscribe',
    jobId: process.env.JOB_ID,
    afterEventId: 0, // Optional: replay events after this ID
  }));
};
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  switch (message.type) {
    case 'subscribed':
      console.log('Subscribed to job:', message.jobId);
      break;
    case 'event':
      handleJobEvent(message.event);
      break;
    case 'replay':
      // Batch of historical events
      message.data.forEach(handleJobEvent);
      break;
    case 'error':
      console.error('Error:', message.error);
      break;
  }
};
function handleJobEvent(event) {
  console.log(`[${event.eventType}] Iteration ${event.iteration} - Stage: ${event.stage}`);
  if (event.data) {
    console.log(' Data:', event.data);
  }
}
// Unsubscribe when done
// Changed: the doc sends this right away, which a socket that is still connecting refuses. Here "done"
// is the job's terminal event; the socket is then closed, as the doc's Best Practices ask, so node exits.
ws.addEventListener('message', (msg) => {
  const message = JSON.parse(msg.data);
  const events = message.type === 'event' ? [message.event] : message.type === 'replay' ? message.data : [];
  if (!events.some((e) => ['job_completed', 'job_failed', 'job_cancelled'].includes(e.eventType))) return;
  ws.send(JSON.stringify({ type: 'unsubscribe', jobId: process.env.JOB_ID }));
  ws.close();
});
