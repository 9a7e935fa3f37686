// metav1.LabelSelector (the object form in spec.selector of Deployments and ReplicaSets) to a Selector, as
// metav1.LabelSelectorAsSelector does: nil matches nothing, {} matches everything, matchLabels become `k=v`,
// matchExpressions In/NotIn/Exists/DoesNotExist become set requirements; all sorted by key.
import { SelectorError } from './errors.js';
import { EVERYTHING, NOTHING, newRequirement, selectorToString, type LabelOperator, type Requirement, type Selector } from './label-selector.js';

export interface LabelSelectorRequirementObject {
  readonly key: string;
  readonly operator: string; // In, NotIn, Exists, DoesNotExist
  readonly values?: readonly string[] | null;
}

export interface LabelSelectorObject {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly LabelSelectorRequirementObject[] | null;
}

const OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/** metav1.LabelSelectorAsSelector. Throws SelectorError for a bad operator, key or value. */
export function labelSelectorFromObject(ls: LabelSelectorObject | null | undefined): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const labels = Object.entries(ls.matchLabels ?? {});
  const expressions = ls.matchExpressions ?? [];
  if (labels.length + expressions.length === 0) return EVERYTHING;
  const reqs: Requirement[] = labels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const e of expressions) {
    const op = OPERATORS[e.operator];
    if (op === undefined) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return { kind: 'requirements', requirements: reqs };
}

/** metav1.FormatLabelSelector, as kubectl's SELECTOR column shows it: "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(ls: LabelSelectorObject | null | undefined): string {
  try {
    const s = selectorToString(labelSelectorFromObject(ls));
    return s === '' ? '<none>' : s;
  } catch (e) {
    if (e instanceof SelectorError) return '<error>';
    throw e;
  }
}

/** labels.FormatLabels: "k=v,k2=v2" sorted by key, "<none>" when empty (services' SELECTOR column). */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? '<none>' : keys.map((k) => `${k}=${labels![k]}`).join(',');
}
