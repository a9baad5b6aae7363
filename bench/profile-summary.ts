import fs from 'node:fs';
import { parseArgs } from 'node:util';

/**
 * Summarises a V8 CPU profile (`npm run bench -- --profile DIR` writes one per server run):
 * the functions with the most self time and with the most inclusive time.
 *
 *   npx tsx bench/profile-summary.ts FILE.cpuprofile [--skip-ms 3000] [--until-ms 8000] [--top 30]
 *
 * `--skip-ms` leaves out the start (module loading, schema compilation); `--until-ms` stops at
 * that time since the profile began, so one phase of the run (the slice reads come first) can be
 * read alone.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'skip-ms': { type: 'string', default: '0' }, 'until-ms': { type: 'string' }, top: { type: 'string', default: '30' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--skip-ms N] [--until-ms N] [--top N]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const skipUs = Number(values['skip-ms']) * 1000;
const untilUs = values['until-ms'] === undefined ? Infinity : Number(values['until-ms']) * 1000;
const top = Number(values.top);

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber + 1}`;

// A sample's weight is the time until the next sample.
const selfUs = new Map<number, number>();
let at = 0;
let total = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  const weight = profile.timeDeltas[i + 1] ?? 0;
  if (at < skipUs || at > untilUs) return;
  total += weight;
  selfUs.set(id, (selfUs.get(id) ?? 0) + weight);
});

const selfByLabel = new Map<string, number>();
const inclusiveByLabel = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur)!);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusiveByLabel.set(l, (inclusiveByLabel.get(l) ?? 0) + us);
  }
}

const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`${title}\n`);
  for (const [l, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${l}\n`);
  }
};
process.stdout.write(`${(total / 1000).toFixed(0)} ms sampled\n`);
print('self time:', selfByLabel);
print('inclusive time:', inclusiveByLabel);
