import { useEffect, useState, type FormEvent } from 'react';
import { taskStates, taskTypes } from '../../../runner/core/model';
import type { TaskFilters } from './api-types';

type TextKey = 'project' | 'branch' | 'searchText';

const textFields: readonly { key: TextKey; label: string; placeholder: string; title: string }[] = [
  { key: 'project', label: 'Project', placeholder: 'qtbase', title: 'any part of the project name' },
  { key: 'branch', label: 'Branch', placeholder: 'dev', title: 'any part of the branch name' },
  {
    key: 'searchText',
    label: 'Text',
    placeholder: 'id, sha, reason…',
    title: 'any part of the id, sha, project, branch, tested changes or reason',
  },
];

/**
 * The task list's filters, each one a parameter of GET api/tasks (project and branch match any
 * part of the name, ignoring case); text fields apply on Enter.
 */
export function TaskFilterBar({
  filters,
  onChange,
}: {
  filters: TaskFilters;
  onChange: (filters: TaskFilters) => void;
}) {
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onChange(draft);
  };
  const choose = (key: 'type' | 'state', value: string) => onChange({ ...draft, [key]: value || undefined });
  return (
    <form
      className="filters task-filters"
      onSubmit={submit}
      aria-label="Filter tasks"
      data-testid="task-filters"
    >
      {textFields.map((f) => (
        <label key={f.key}>
          {f.label}
          <input
            name={f.key}
            value={draft[f.key] ?? ''}
            placeholder={f.placeholder}
            title={f.title}
            onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value || undefined })}
          />
        </label>
      ))}
      <label>
        Type
        <select name="type" value={draft.type ?? ''} onChange={(e) => choose('type', e.target.value)}>
          <option value="">any</option>
          {taskTypes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      <label>
        State
        <select name="state" value={draft.state ?? ''} onChange={(e) => choose('state', e.target.value)}>
          <option value="">any</option>
          {taskStates.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <button type="submit">Filter</button>
      {Object.values(filters).some(Boolean) && (
        <button type="button" onClick={() => onChange({})}>
          Clear
        </button>
      )}
    </form>
  );
}
