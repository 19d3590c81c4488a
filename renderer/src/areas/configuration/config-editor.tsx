import { useCallback, useMemo, useRef, useState } from 'react';
import type { DeskApi } from '../../../../electron/common/desk-api';
import type { ConfigFile, ConnectionProfile } from '../../../../electron/common/instance-schemas';
import type { JsonPath } from '../../../../runner/core/runtime-config/json-node';
import { useDeskCall } from '../../use-desk-call';
import type { Base } from './editor-base';
import { editText, readDocument, renameInText, type ConfigDocument } from './config-document';
import { ConfigForm } from './config-form';
import { EditorToolbar } from './editor-toolbar';
import { compareImpact } from './impact-model';
import { ImpactPreview, impactSummary } from './impact-preview';
import { lenientConfig } from './lenient-config';
import { RawTextEditor } from './raw-text-editor';
import { RuleTester } from './rule-tester';
import { SaveOutcome } from './save-outcome';
import { ConflictView, SaveReview } from './save-review';
import { useSaveFlow, type SaveFlow } from './use-save-flow';

/** Save steps that are over: their report goes away at the next edit. */
const finalSteps = new Set(['applied', 'rejected', 'not-running', 'no-report', 'failed']);

/** A missing file starts as an empty object, which the form can fill in. */
function startText(file: ConfigFile): string {
  return file.version === null && file.content === '' ? '{\n}\n' : file.content;
}

/** The document being edited: text, its check, and the form's edits written back into it. */
function useEditedText(base: Base) {
  const [text, setText] = useState(() => startText({ ...base, content: base.text }));
  const document = useMemo(() => readDocument(text), [text]);
  const lastReadable = useRef<ConfigDocument>(document);
  if (document.value) lastReadable.current = document;
  const edit = useCallback(
    (path: JsonPath, next: unknown) => setText(editText(document, path, next)),
    [document],
  );
  const rename = useCallback(
    (path: JsonPath, from: string, to: string) => setText(renameInText(document, path, from, to)),
    [document],
  );
  return { text, setText, document, readable: lastReadable.current, edit, rename };
}

/** The saved and the edited configuration, the instance's context, and the replay of its history under both. */
function usePreview(desk: DeskApi, profileId: string, baseText: string, readable: ConfigDocument) {
  const [days, setDays] = useState(7);
  const [context] = useDeskCall(
    useCallback(() => desk.configContext({ profileId, days }), [desk, profileId, days]),
  );
  const saved = useMemo(() => lenientConfig(readDocument(baseText).value).config, [baseText]);
  const edited = useMemo(() => lenientConfig(readable.value), [readable]);
  const impact = useMemo(
    () =>
      context.data &&
      compareImpact(context.data.integrations, saved.gerrit_monitor, edited.config.gerrit_monitor),
    [context.data, saved, edited],
  );
  return { days, setDays, context, saved, edited, impact };
}

/** The editor of one instance's coin_configuration.json, once it is loaded. */
function LoadedEditor({
  desk,
  profile,
  file,
  onReload,
}: EditorProps & { file: ConfigFile; onReload: () => void }) {
  const [base, setBase] = useState<Base>({ path: file.path, text: file.content, version: file.version });
  const { text, setText, document, readable, edit, rename } = useEditedText(base);
  const preview = usePreview(desk, profile.id, base.text, readable);
  const flow = useSaveFlow({
    desk,
    profileId: profile.id,
    text,
    baseVersion: base.version,
    onSaved: (savedText, version) => setBase((b) => ({ ...b, text: savedText, version })),
  });
  const step = flow.state.step;
  const afterEdit =
    <A extends unknown[]>(change: (...args: A) => void) =>
    (...args: A) => {
      change(...args);
      if (finalSteps.has(step)) flow.close();
    };
  const takeTheirs = (current: ConfigFile) => {
    setBase({ path: current.path, text: current.content, version: current.version });
    setText(startText(current));
    flow.close();
  };
  const { context } = preview;
  // A missing file starts as `{}`: that is not an edit until something changes it.
  const dirty = text !== startText({ path: base.path, content: base.text, version: base.version });
  return (
    <div className="config-editor" data-testid="config-editor">
      <EditorToolbar
        base={base}
        document={document}
        dirty={dirty}
        busy={step === 'saving' || step === 'waiting'}
        onReload={onReload}
        onSave={flow.review}
      />
      <SaveOutcome flow={flow} />
      {context.status === 'error' && (
        <p className="error">The instance's history could not be read: {context.message}</p>
      )}
      <div className="editor-panes">
        <section className="pane" aria-label="Form">
          <ConfigForm document={document} edit={afterEdit(edit)} rename={afterEdit(rename)} />
        </section>
        <section className="pane" aria-label="Text">
          <RawTextEditor text={text} diagnostics={document.check.diagnostics} onChange={afterEdit(setText)} />
        </section>
      </div>
      <RuleTester context={context.data} edited={preview.edited} saved={preview.saved} />
      <ImpactPreview
        context={context.data}
        days={preview.days}
        onDays={preview.setDays}
        impact={preview.impact}
      />
      <SaveDialogs
        flow={flow}
        profileName={profile.name}
        baseText={base.text}
        document={document}
        impactLine={impactSummary(preview.impact, preview.days)}
        onTakeTheirs={takeTheirs}
      />
    </div>
  );
}

/** The review before a save, and the three-way view after a refused one. */
function SaveDialogs({
  flow,
  profileName,
  baseText,
  document,
  impactLine,
  onTakeTheirs,
}: {
  flow: SaveFlow;
  profileName: string;
  baseText: string;
  document: ConfigDocument;
  impactLine: string | undefined;
  onTakeTheirs: (current: ConfigFile) => void;
}) {
  const { state } = flow;
  if (state.step === 'review')
    return (
      <SaveReview
        profileName={profileName}
        baseText={baseText}
        document={document}
        impactLine={impactLine}
        onConfirm={flow.confirm}
        onCancel={flow.close}
      />
    );
  if (state.step !== 'conflict') return null;
  return (
    <ConflictView
      message={state.message}
      baseText={baseText}
      mine={state.mine}
      current={state.current}
      onOverwrite={() => flow.overwrite(state.current)}
      onTakeTheirs={() => onTakeTheirs(state.current)}
      onCancel={flow.close}
    />
  );
}

interface EditorProps {
  desk: DeskApi;
  profile: ConnectionProfile;
}

/** The editor for a profile: loads the file, then edits it (a reload starts over from the file). */
export function ConfigEditor({ desk, profile }: EditorProps) {
  const [file, reload] = useDeskCall(
    useCallback(() => desk.configRead({ profileId: profile.id }), [desk, profile.id]),
  );
  const [generation, setGeneration] = useState(0);
  if (file.status === 'error')
    return <p className="error card">The configuration file could not be read: {file.message}</p>;
  if (file.status === 'loading' || !file.data)
    return <p className="muted card">Reading coin_configuration.json…</p>;
  return (
    <LoadedEditor
      key={`${generation}:${file.data.version?.sha256 ?? 'none'}`}
      desk={desk}
      profile={profile}
      file={file.data}
      onReload={() => {
        setGeneration((g) => g + 1);
        reload();
      }}
    />
  );
}
