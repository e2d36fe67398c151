// Phoenix Channels V2 JSON frames: [join_ref, ref, topic, event, payload], decoded strictly, encoded once.

export interface Frame {
  readonly joinRef: string | null;
  readonly ref: string | null;
  readonly topic: string;
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

export const MAX_TOPIC_LENGTH = 200;
export const MAX_EVENT_LENGTH = 64;
export const MAX_REF_LENGTH = 32;

const isRef = (value: unknown): value is string | null =>
  value === null || (typeof value === 'string' && value.length <= MAX_REF_LENGTH);

/** Returns the frame, or null when the text is not a well-formed V2 frame (the caller closes with bad_frame). */
export function decodeFrame(text: string): Frame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 5) return null;
  const [joinRef, ref, topic, event, payload] = value as unknown[];
  if (!isRef(joinRef) || !isRef(ref)) return null;
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) return null;
  if (typeof event !== 'string' || event.length === 0 || event.length > MAX_EVENT_LENGTH) return null;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  return { joinRef, ref, topic, event, payload: payload as Record<string, unknown> };
}

export function encodeFrame(
  joinRef: string | null,
  ref: string | null,
  topic: string,
  event: string,
  payload: unknown,
): string {
  return JSON.stringify([joinRef, ref, topic, event, payload]);
}

export function encodeReply(frame: Frame, status: 'ok' | 'error', response: unknown): string {
  return encodeFrame(frame.joinRef, frame.ref, frame.topic, 'phx_reply', { status, response });
}
