// Label and field selectors: parsing with Kubernetes' syntax and messages, matching, and canonical strings.
export { SelectorError } from './errors.js';
export {
  EVERYTHING,
  NOTHING,
  isEverything,
  matchesLabels,
  newRequirement,
  parseLabelSelector,
  requirementToString,
  requiresExactMatch,
  selectorFromSet,
  selectorToString,
  type LabelOperator,
  type Requirement,
  type Selector,
} from './label-selector.js';
export {
  formatLabelSelector,
  formatLabels,
  labelSelectorFromObject,
  type LabelSelectorObject,
  type LabelSelectorRequirementObject,
} from './label-selector-object.js';
export {
  fieldRequiresExactMatch,
  fieldSelectorToString,
  fieldValue,
  matchesFields,
  parseFieldSelector,
  parseFieldSelectorSyntax,
  supportedFields,
  type FieldSelector,
  type FieldTerm,
} from './field-selector.js';
