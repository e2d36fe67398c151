// Per-post tallies of reads counted and refused by reason, fed by telemetry; numbers only, nothing personal.
import { EVENTS, type Telemetry } from '../telemetry/telemetry.js';

export interface Receipt {
  counted: number;
  refused: Record<string, number>;
}

export class Receipts {
  private readonly byPost = new Map<string, Receipt>();
  readonly since = new Date();

  constructor(private readonly telemetry: Telemetry) {
    telemetry.attach(
      'readcount.receipts',
      [EVENTS.read, EVENTS.readRefused],
      (event, measurements, metadata) => {
        const receipt = this.receiptFor(String(metadata.slug));
        const count = measurements.count ?? 1;
        if (event === EVENTS.read) receipt.counted += count;
        else {
          const reason = String(metadata.reason);
          receipt.refused[reason] = (receipt.refused[reason] ?? 0) + count;
        }
      },
      null,
    );
  }

  get(slug: string): Receipt {
    const receipt = this.byPost.get(slug);
    return receipt ? { counted: receipt.counted, refused: { ...receipt.refused } } : { counted: 0, refused: {} };
  }

  close(): void {
    this.telemetry.detach('readcount.receipts');
  }

  private receiptFor(slug: string): Receipt {
    let receipt = this.byPost.get(slug);
    if (!receipt) this.byPost.set(slug, (receipt = { counted: 0, refused: {} }));
    return receipt;
  }
}
