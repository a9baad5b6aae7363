import type { FieldError } from '../../errors.js';
import type { Catalogue } from '../../features/catalogue/catalogue.js';
import type { OutcomesAnswer } from '../../features/outcomes/schemas.js';
import { messages } from '../messages.js';
import { Page, list, text, type FormBody } from '../render.js';
import { Choices, ErrorSummary, Select, TextInput } from '../views/forms.js';
import type { Chrome } from '../views/layout.js';

const o = messages.outcomes;
const labels = { type: o.type, measure: o.measure, from: o.from, to: o.to, groupBy: o.groupBy };

type Cell = OutcomesAnswer['cells'][number];

/** A group in words: its month, band and source organisation, or everyone. */
function groupWords(catalogue: Catalogue, answer: OutcomesAnswer, cell: Cell, orgNames: Map<string, string>): string {
  const g = cell.group;
  const parts: string[] = [];
  if (g.month !== undefined) parts.push(g.month);
  if (g.band !== undefined) parts.push(catalogue.type(answer.type)?.questionnaire?.scoring.bands?.find((b) => b.code === g.band)?.label ?? g.band ?? o.none);
  if (g.sourceOrganisationId !== undefined) parts.push(g.sourceOrganisationId === null ? o.self : (orgNames.get(g.sourceOrganisationId) ?? g.sourceOrganisationId));
  return parts.length ? parts.join(', ') : o.all;
}

/** A suppressed cell says "fewer than 8", never 0: a small group is not an empty one. */
function peopleWords(cell: { n: number | null; suppressed: boolean }): string {
  return cell.suppressed ? o.fewerThan8 : String(cell.n);
}

function valueWords(answer: OutcomesAnswer, value: number | null): string {
  if (value === null) return '—';
  return answer.measure === 'meaningful-change' || answer.measure === 'goal-attainment' ? `${Math.round(value * 1000) / 10}%` : String(value);
}

export function OutcomesPage(props: { chrome: Chrome; catalogue: Catalogue; values: FormBody; errors: FieldError[]; answer: OutcomesAnswer | null; orgNames: Map<string, string> }) {
  const { catalogue, values, errors, answer } = props;
  const types = catalogue.types.filter((t) => t.kind === 'questionnaire' || t.kind === 'measure' || t.text?.series).map((t): [string, string] => [t.code, t.label]);
  const typeLabel = answer ? (catalogue.type(answer.type)?.label ?? answer.type) : '';
  return (
    <Page chrome={props.chrome}>
      <p>{o.intro}</p>
      <form method="post" action="/app/outcomes" novalidate class="card">
        <ErrorSummary errors={errors} labels={labels} />
        <Select name="type" label={o.type} errors={errors} options={types} value={text(values, 'type') || 'swemwbs'} />
        <Select name="measure" label={o.measure} errors={errors} options={Object.entries(o.measures)} value={text(values, 'measure') || 'change'} />
        <TextInput name="from" label={o.from} hint={o.windowHint} errors={errors} value={text(values, 'from')} />
        <TextInput name="to" label={o.to} errors={errors} value={text(values, 'to')} />
        <Choices name="groupBy" legend={o.groupBy} errors={errors} multiple options={Object.entries(o.groups)} checked={list(values, 'groupBy')} />
        <button type="submit">{o.submit}</button>
      </form>
      {answer && (
        <section aria-labelledby="results">
          <h2 id="results">{o.results(`${typeLabel}: ${o.measures[answer.measure]}`, answer.from, answer.to)}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{o.group}</th>
                <th scope="col">{o.people}</th>
                <th scope="col">{o.value}</th>
              </tr>
            </thead>
            <tbody>
              {answer.cells.map((cell, i) => (
                <tr key={i} class={cell.suppressed ? 'suppressed' : undefined}>
                  <th scope="row">{groupWords(catalogue, answer, cell, props.orgNames)}</th>
                  <td>{peopleWords(cell)}</td>
                  <td>{valueWords(answer, cell.value)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{o.total}</th>
                <td>{String(answer.total.n)}</td>
                <td>{valueWords(answer, answer.total.value)}</td>
              </tr>
            </tfoot>
          </table>
          {answer.measure === 'meaningful-change' && answer.meaningfulChange?.threshold != null && (
            <p>{o.meaningfulSource(answer.meaningfulChange.threshold, answer.meaningfulChange.source ?? '')}</p>
          )}
          <h3>{o.rules}</h3>
          <p>{answer.disclosureControl.rules}</p>
        </section>
      )}
    </Page>
  );
}
