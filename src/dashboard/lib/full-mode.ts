/**
 * `/?full=1`: the job page loads every event instead of the series endpoint's downsample. It is the
 * baseline the dashboard bench compares against, and a way to look at raw points by hand.
 */
export const FULL_MODE = new URLSearchParams(location.search).get('full') === '1';
