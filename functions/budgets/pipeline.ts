import type { Money } from '../shared/money.js';

/** A request still undecided (in triage or approval), as far as the pipeline needs it. */
export interface PipelineRequest {
  id: string;
  fiscalYear: string;
  estimatedCost: Money;
}

/**
 * A line's pipeline: what its business function's undecided requests of the line's fiscal year
 * and currency ask for (exact minor units), leaving out `except` (the request being assessed).
 * The triage assessment's headroom and the budget view both count it this way.
 */
export function pipelineOf(
  undecided: readonly PipelineRequest[],
  line: { fiscalYear: string; currency: string },
  except?: string,
): { minor: number; requests: PipelineRequest[] } {
  const requests = undecided.filter(
    (other) =>
      other.id !== except &&
      other.fiscalYear === line.fiscalYear &&
      other.estimatedCost.currency === line.currency,
  );
  return { minor: requests.reduce((sum, other) => sum + other.estimatedCost.minor, 0), requests };
}
