// Derived facts, recomputable from the built model: link health and roles with their
// reasons. Pure; reads nothing. Locality and port kinds are build/'s.
export { annotateTopology } from './annotate';
