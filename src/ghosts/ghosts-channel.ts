// What a post channel does for reader ghosts: a ghost id in the join reply, `position` pushes checked and applied, removal on leave.
import { ok, type Reply } from '../live/index.js';
import { refuse } from '../live-replies.js';
import type { GhostFrame } from './aggregate.js';
import type { GhostBoard } from './board.js';
import { parsePosition } from './position.js';

/** What ghosts need to know of a viewer (the app's socket assigns have it). */
interface SocketInfo {
  readonly pageView: { readonly view: string };
  readonly doNotTrack: boolean;
}

export interface PostGhostsOptions {
  readonly board: GhostBoard;
  /** Whether the post shows ghosts (GHOSTS on and no `ghosts: false` in its front matter). */
  readonly enabled: (slug: string) => boolean;
  /** RESPECT_DNT: a visitor sending DNT or GPC is shown others' ghosts but sends no position. */
  readonly respectDnt: boolean;
}

export interface GhostJoin {
  /** Kept by the channel; undefined when this viewer may not send positions. */
  readonly id: string | undefined;
  /** Added to the join reply: `ghost` (the viewer's own id, to leave itself out) and `ghosts` (the current frame). */
  readonly response: { ghost?: string; ghosts: GhostFrame };
}

export class PostGhosts {
  /**
   * One ghost per page view of a post however many sockets it has (a reconnect, a second tab replaying the token):
   * its id and how many of its channels are joined here. Every socket moves the same ghost, so the newest position wins.
   */
  private readonly views = new Map<string, { readonly id: string; channels: number }>();

  constructor(private readonly options: PostGhostsOptions) {}

  /** Undefined when the post shows no ghosts: the join reply then says nothing about them. */
  join(slug: string, socket: SocketInfo): GhostJoin | undefined {
    const { board, enabled, respectDnt } = this.options;
    if (!enabled(slug)) return undefined;
    const ghosts = board.frame(slug);
    if (respectDnt && socket.doNotTrack) return { id: undefined, response: { ghosts } };
    const key = `${slug}\u0000${socket.pageView.view}`;
    let view = this.views.get(key);
    if (view) view.channels += 1;
    else this.views.set(key, (view = { id: board.newId(), channels: 1 }));
    return { id: view.id, response: { ghost: view.id, ghosts } };
  }

  /** A `position` push; `id` is what `join` gave the channel. */
  position(slug: string, socket: SocketInfo, id: string | undefined, payload: Record<string, unknown>): Reply {
    if (id === undefined) return refuse(this.options.enabled(slug) ? 'dnt' : 'ghosts_off');
    const position = parsePosition(payload);
    if (!position) return refuse('bad_position');
    this.options.board.move(slug, id, socket.pageView.view, position);
    return ok();
  }

  /** The page view's ghost goes with its last channel here. */
  leave(slug: string, view: string, id: string | undefined): void {
    if (id === undefined) return;
    const key = `${slug}\u0000${view}`;
    const known = this.views.get(key);
    if (known && known.channels > 1) {
      known.channels -= 1;
      return;
    }
    this.views.delete(key);
    this.options.board.leave(slug, id);
  }
}
