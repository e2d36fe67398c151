// Per-post tallies of views and end-of-view reports, counted and refused by reason; numbers only, shown in the receipt.

export interface EngagementReceipt {
  views: number;
  viewsRefused: Record<string, number>;
  reports: number;
  /** Accepted reports whose visible time was cut to what the server's clock allows. */
  reportsClamped: number;
  reportsRefused: Record<string, number>;
  /** Referrers that were not http(s) URLs: the view counted as "direct". */
  badReferrers: number;
}

const empty = (): EngagementReceipt => ({
  views: 0,
  viewsRefused: {},
  reports: 0,
  reportsClamped: 0,
  reportsRefused: {},
  badReferrers: 0,
});

export class EngagementReceipts {
  private readonly byPost = new Map<string, EngagementReceipt>();

  get(slug: string): EngagementReceipt {
    const receipt = this.byPost.get(slug);
    return receipt
      ? { ...receipt, viewsRefused: { ...receipt.viewsRefused }, reportsRefused: { ...receipt.reportsRefused } }
      : empty();
  }

  view(slug: string): void {
    this.of(slug).views += 1;
  }

  viewRefused(slug: string, reason: string): void {
    const tally = this.of(slug).viewsRefused;
    tally[reason] = (tally[reason] ?? 0) + 1;
  }

  report(slug: string, clamped: boolean): void {
    const receipt = this.of(slug);
    receipt.reports += 1;
    if (clamped) receipt.reportsClamped += 1;
  }

  reportRefused(slug: string, reason: string): void {
    const tally = this.of(slug).reportsRefused;
    tally[reason] = (tally[reason] ?? 0) + 1;
  }

  badReferrer(slug: string): void {
    this.of(slug).badReferrers += 1;
  }

  private of(slug: string): EngagementReceipt {
    let receipt = this.byPost.get(slug);
    if (!receipt) this.byPost.set(slug, (receipt = empty()));
    return receipt;
  }
}
