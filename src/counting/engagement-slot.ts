// Where the engagement plugin plugs its hooks into counting: until it does (or without it), views and sources are off.
import type { EngagementHooks, ViewEndResult } from './engagement-hooks.js';
import type { Viewer } from './viewer.js';

/** The hooks, and when a page view first joined its post (engagement's view marks): the read policy's dwell start. */
export interface EngagementAnswers extends EngagementHooks {
  firstJoin(view: string): Promise<number | undefined>;
}

/** Counting calls these from its start; the engagement plugin, registered after counting, fills them in. */
export class EngagementSlot implements EngagementAnswers {
  #hooks: EngagementAnswers | undefined;

  fill(hooks: EngagementAnswers): void {
    this.#hooks = hooks;
  }

  async joined(slug: string, socket: Viewer, payload: Record<string, unknown>): Promise<void> {
    await this.#hooks?.joined(slug, socket, payload);
  }

  readSource(slug: string, payload: Record<string, unknown>) {
    return this.#hooks?.readSource(slug, payload) ?? [];
  }

  async viewDecided(view: string): Promise<void> {
    await this.#hooks?.viewDecided(view);
  }

  counted(slug: string, payload: Record<string, unknown>): void {
    this.#hooks?.counted(slug, payload);
  }

  reportFromSocket(slug: string, socket: Viewer, report: Record<string, unknown>): Promise<ViewEndResult> {
    return this.#hooks?.reportFromSocket(slug, socket, report) ?? Promise.resolve({ ok: false, reason: 'not_viewed' });
  }

  async firstJoin(view: string): Promise<number | undefined> {
    return this.#hooks?.firstJoin(view);
  }
}
