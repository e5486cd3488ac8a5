import type { Money } from '../shared/money.js';
import { budgetPartIn, type StoredPhasing } from '../shared/phasing.js';

/** A request still undecided (in triage or approval), as far as the pipeline needs it. */
export interface PipelineRequest {
  id: string;
  fiscalYear: string;
  estimatedCost: Money;
  phasing?: StoredPhasing | undefined;
}

/**
 * A line's pipeline: what its business function's undecided requests ask of the line's fiscal
 * year in its currency (exact minor units; a multi-year request counts its part of that year
 * only), leaving out `except` (the request being assessed). The triage assessment's headroom
 * and the budget view both count it this way.
 */
export function pipelineOf<R extends PipelineRequest>(
  undecided: readonly R[],
  line: { fiscalYear: string; currency: string },
  except?: string,
): { minor: number; requests: R[]; parts: { request: R; minor: number }[] } {
  const parts = undecided
    .filter((other) => other.id !== except && other.estimatedCost.currency === line.currency)
    .map((other) => ({ request: other, minor: budgetPartIn(other, line.fiscalYear) }))
    .filter((part) => part.minor > 0);
  return {
    minor: parts.reduce((sum, part) => sum + part.minor, 0),
    requests: parts.map((part) => part.request),
    parts,
  };
}
