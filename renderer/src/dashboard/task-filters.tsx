import { useEffect, useState, type FormEvent } from 'react';
import { taskStates, taskTypes } from '../../../runner/core/model';
import type { TaskFilters } from './api-types';
import { isFiltered } from './task-search-query';

type TextKey = 'project' | 'branch' | 'sha' | 'change' | 'failure' | 'searchText';

interface TextField {
  key: TextKey;
  label: string;
  placeholder: string;
  title: string;
  pattern?: string;
}

const textFields: readonly TextField[] = [
  { key: 'project', label: 'Project', placeholder: 'qtbase', title: 'any part of the project name' },
  { key: 'branch', label: 'Branch', placeholder: 'dev', title: 'any part of the branch name' },
  {
    key: 'sha',
    label: 'Sha',
    placeholder: '3f2a9c',
    title: 'the start of the integrated sha (hex digits)',
    pattern: '[0-9a-fA-F]{1,40}',
  },
  { key: 'change', label: 'Change', placeholder: '612345', title: "a tested change's number or id, exactly" },
];

const searchFields: readonly TextField[] = [
  {
    key: 'failure',
    label: 'Failure reason',
    placeholder: 'timeout, tst_qstring…',
    title: 'words in the failure reason of the task or of its work items',
  },
  {
    key: 'searchText',
    label: 'Text',
    placeholder: 'any of these',
    title: 'words in the project, branch, tested changes or failure reason',
  },
];

/**
 * The task list's search: each field a parameter of GET api/search/tasks (the runner searches its
 * indexes); text fields apply on Enter or Search, choices and days at once.
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
  const choose = (key: 'type' | 'state' | 'from' | 'to', value: string) =>
    onChange({ ...draft, [key]: value || undefined });
  const input = (f: TextField) => (
    <label key={f.key} className={f.key === 'failure' || f.key === 'searchText' ? 'wide' : undefined}>
      {f.label}
      <input
        name={f.key}
        value={draft[f.key] ?? ''}
        placeholder={f.placeholder}
        title={f.title}
        pattern={f.pattern}
        onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value.trim() ? e.target.value : undefined })}
      />
    </label>
  );
  return (
    <form
      className="filters task-filters"
      onSubmit={submit}
      aria-label="Search tasks"
      data-testid="task-filters"
    >
      {textFields.map(input)}
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
      <label title="created on or after this day">
        From
        <input
          type="date"
          name="from"
          value={draft.from ?? ''}
          max={draft.to}
          onChange={(e) => choose('from', e.target.value)}
        />
      </label>
      <label title="created on or before this day">
        To
        <input
          type="date"
          name="to"
          value={draft.to ?? ''}
          min={draft.from}
          onChange={(e) => choose('to', e.target.value)}
        />
      </label>
      {searchFields.map(input)}
      <button type="submit">Search</button>
      {isFiltered(filters) && (
        <button type="button" onClick={() => onChange({})}>
          Clear
        </button>
      )}
    </form>
  );
}
