// Derived facts, recomputable from the plain model: roles with reasons, locality
// fill-in from parents, port kinds. Pure; reads nothing.
export { annotateTopology } from './annotate';
