import type { AreaSpec } from '../areas';

/** Issue that delivers each area not built yet, so the frame says honestly what is missing. */
const deliveredBy: Partial<Record<AreaSpec['id'], string>> = {
  integrations:
    'the desktop app issue (#7); a running instance already shows them on its web dashboard at http://127.0.0.1:8080/coin/',
  agents:
    'the desktop app issue (#7); a running instance already shows them on its web dashboard at http://127.0.0.1:8080/coin/#/agents',
  maintenance: 'the desktop app issue (#7)',
};

/** An area whose features are still to be built. */
export function UpcomingArea({ area }: { area: AreaSpec }) {
  return (
    <section className="card upcoming" data-testid={`area-${area.id}`}>
      <h2>Not built yet</h2>
      <p>
        {area.title} arrives with {deliveredBy[area.id] ?? 'a later issue'}. Until then, the Instances area
        checks this machine.
      </p>
    </section>
  );
}
