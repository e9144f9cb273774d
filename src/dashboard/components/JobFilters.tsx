import { useState } from 'preact/hooks';

const PROVIDERS = ['builtin', 'nerox', 'jaot', 'matcraft', 'mutagent'];
const KINDS = ['tsp', 'qubo', 'maxcut', 'ising', 'lp', 'campaign', 'prompt'];
const STATUSES = ['queued', 'running', 'paused', 'completed', 'failed', 'cancelled'];
const FILTER_NAMES = ['provider', 'kind', 'status', 'from', 'to', 'q'] as const;

interface Props {
  query: URLSearchParams;
  onApply(query: URLSearchParams): void;
}

function Choice({ name, options, value, onChange }: { name: string; options: string[]; value: string; onChange(value: string): void }) {
  return (
    <label>
      {name}
      <select name={name} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">any</option>
        {options.map((option) => <option key={option} value={option}>{option}</option>)}
      </select>
    </label>
  );
}

/** Provider, kind, status, creation dates and part of an id; applied on the bridge, which pages the result. */
export function JobFilters({ query, onApply }: Props) {
  const [values, setValues] = useState(() => Object.fromEntries(FILTER_NAMES.map((name) => [name, query.get(name) ?? ''])));
  const set = (name: string) => (value: string) => setValues({ ...values, [name]: value });
  return (
    <form
      class="filters toolbar"
      onSubmit={(e) => {
        e.preventDefault();
        onApply(new URLSearchParams(Object.entries(values).filter(([, value]) => value !== '')));
      }}
    >
      <label>
        id
        <input type="search" name="q" placeholder="part of a job id" value={values.q} onInput={(e) => set('q')(e.currentTarget.value.trim())} />
      </label>
      <Choice name="provider" options={PROVIDERS} value={values.provider!} onChange={set('provider')} />
      <Choice name="kind" options={KINDS} value={values.kind!} onChange={set('kind')} />
      <Choice name="status" options={STATUSES} value={values.status!} onChange={set('status')} />
      <label>
        from
        <input type="date" name="from" value={values.from} onInput={(e) => set('from')(e.currentTarget.value)} />
      </label>
      <label>
        to
        <input type="date" name="to" value={values.to} onInput={(e) => set('to')(e.currentTarget.value)} />
      </label>
      <button type="submit">Apply</button>
    </form>
  );
}
