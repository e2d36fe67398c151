// The app's refusals on the live socket: only reasons src/errors.ts documents, handed to live as the plain strings it carries.
import type { LiveReplyError } from './errors.js';
import { type Reply, refuse as refuseWith } from './live/index.js';

export const refuse = (
  reason: LiveReplyError,
  extra: Record<string, unknown> = {},
): Extract<Reply, { status: 'error' }> => refuseWith(reason, extra);
