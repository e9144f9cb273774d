import assert from 'node:assert/strict';

/** Mutagent's event object as its doc lists it: every event carries all six fields, with these types. */
export function assertMutagentEventsComplete(raw: unknown[], context: string): void {
  const events = raw.flatMap((message: any) => (message?.type === 'event' ? [message.event] : message?.type === 'replay' ? message.data : []));
  assert.ok(events.length > 0, `${context}: no Mutagent events`);
  for (const event of events) {
    assert.equal(typeof event.id, 'number', `${context}: id of ${JSON.stringify(event)}`);
    assert.equal(typeof event.eventType, 'string', `${context}: eventType of ${JSON.stringify(event)}`);
    assert.equal(typeof event.iteration, 'number', `${context}: iteration of ${JSON.stringify(event)}`);
    assert.equal(typeof event.stage, 'string', `${context}: stage of ${JSON.stringify(event)}`);
    assert.equal(typeof event.data, 'object', `${context}: data of ${JSON.stringify(event)}`);
    assert.ok(!Number.isNaN(Date.parse(event.timestamp)), `${context}: timestamp of ${JSON.stringify(event)}`);
  }
}

/** MatCraft's campaign_complete: every field its doc lists, numbers where the doc shows numbers or null. */
export function assertCampaignCompleteFields(raw: unknown[], context: string): void {
  const complete = raw.find((message: any) => message?.type === 'campaign_complete') as any;
  assert.ok(complete, `${context}: no campaign_complete`);
  const { data } = complete;
  assert.equal(typeof data.status, 'string', `${context}: status`);
  for (const field of ['total_iterations', 'total_evaluations', 'final_hypervolume', 'pareto_size']) {
    assert.ok(field in data, `${context}: ${field} missing from ${JSON.stringify(data)}`);
    assert.ok(data[field] === null || typeof data[field] === 'number', `${context}: ${field} is ${JSON.stringify(data[field])}`);
  }
  assert.equal(typeof data.total_iterations, 'number', `${context}: every job has run some iterations`);
}
