import { describe, expect, it } from 'vitest';
import type { ChainDecidingFields } from '../../functions/requests/model.js';
import { chainRestartReasons } from '../../functions/requests/send-back-rules.js';

const asSentBack: ChainDecidingFields = {
  estimatedCost: { minor: 10_000_000, currency: 'USD' },
  businessFunction: 'QA',
  category: 'REGULATORY',
  preferredVendorId: 'ven_01kbsendback0000000000000',
};
const withCost = (minor: number, currency = 'USD'): ChainDecidingFields => ({
  ...asSentBack,
  estimatedCost: { minor, currency },
});

describe('what a resubmission after a send-back does to the chain', () => {
  it('goes on when nothing that decides the chain changed, or the amount fell', () => {
    expect(chainRestartReasons(asSentBack, asSentBack, 10)).toEqual([]);
    expect(chainRestartReasons(asSentBack, withCost(5_000_000), 10)).toEqual([]);
  });

  it('goes on at exactly the threshold, and restarts one cent above it', () => {
    expect(chainRestartReasons(asSentBack, withCost(11_000_000), 10)).toEqual([]);

    const reasons = chainRestartReasons(asSentBack, withCost(11_000_001), 10);

    expect(reasons).toEqual([
      "the estimated cost rose from 100000.00 to 110000.01 USD, more than the policy's 10%",
    ]);
  });

  it('restarts on a 20% rise under the default threshold, and follows a policy threshold of 25%', () => {
    expect(chainRestartReasons(asSentBack, withCost(12_000_000), 10)).toHaveLength(1);
    expect(chainRestartReasons(asSentBack, withCost(12_000_000), 25)).toEqual([]);
    expect(chainRestartReasons(asSentBack, withCost(10_000_001), 0)).toHaveLength(1);
  });

  it('restarts when the business function, category, vendor or currency changed, naming each', () => {
    const reasons = chainRestartReasons(
      asSentBack,
      {
        estimatedCost: { minor: 10_000_000, currency: 'EUR' },
        businessFunction: 'MFG',
        category: 'TECHNICAL',
      },
      10,
    );

    expect(reasons).toEqual([
      'the currency changed from USD to EUR',
      'the business function changed from QA to MFG',
      'the category changed from REGULATORY to TECHNICAL',
      'the preferred vendor changed from ven_01kbsendback0000000000000 to none',
    ]);
  });
});
