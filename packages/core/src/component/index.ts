/**
 * Component definitions (`component.yaml`, docs/design.md §3): the model, its parser and validator, and
 * how declared inputs apply to a job's input.
 */
export * from './component-model.js';
export { COMPONENT_FIELDS, parseComponentDefinition } from './parse-component.js';
export * from './component-inputs.js';
