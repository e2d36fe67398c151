// YouTube and Vimeo players as click-to-load embeds (nothing is fetched from them before the click); other iframes as links.

import { escapeHtml } from '../../escape-html.js';
import { asBlock, lineAt, type Notes } from './segments.js';

export type VideoHost = 'youtube' | 'vimeo';

const YOUTUBE_ID = /^[A-Za-z0-9_-]{6,20}$/;
const VIMEO_ID = /^\d{1,12}$/;
const IFRAME = /<iframe\b([^>]*)>(?:[\s\S]*?<\/iframe\s*>)?/gi;
const SRC = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const TITLE = /\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/**
 * In the markdown: an inline code span the sanitizer keeps as it is; after sanitizing, `expandVideoMarkers` turns it
 * into the player placeholder. Its id is checked again there, so a post writing one by hand gets a video, nothing more.
 */
export function videoMarker(host: VideoHost, id: string): string {
  return `<p><code>readcount-video:${host}:${id}</code></p>`;
}

/** The host and id of a YouTube or Vimeo player or watch URL. */
export function videoOf(url: string): { host: VideoHost; id: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url.trim().replace(/^\/\//, 'https://'));
  } catch {
    return undefined;
  }
  const host = parsed.hostname.replace(/^www\.|^m\./, '');
  const path = parsed.pathname.split('/').filter(Boolean);
  if (['youtube.com', 'youtube-nocookie.com'].includes(host)) {
    const id =
      path[0] === 'embed' || path[0] === 'shorts' || path[0] === 'live' ? path[1] : parsed.searchParams.get('v');
    return id && YOUTUBE_ID.test(id) ? { host: 'youtube', id } : undefined;
  }
  if (host === 'youtu.be') return path[0] && YOUTUBE_ID.test(path[0]) ? { host: 'youtube', id: path[0] } : undefined;
  if (host === 'vimeo.com' || host === 'player.vimeo.com') {
    const id = path.find((part) => VIMEO_ID.test(part));
    return id ? { host: 'vimeo', id } : undefined;
  }
  return undefined;
}

/** Raw `<iframe>`s: players become markers; any other is a visible link to its source and a note. */
export function convertIframes(chunk: string, startLine: number, notes: Notes): string {
  if (!/<iframe/i.test(chunk)) return chunk;
  return chunk.replace(IFRAME, (whole, attributes: string, offset: number) => {
    const src = SRC.exec(attributes);
    const url = (src?.[1] ?? src?.[2] ?? src?.[3] ?? '').trim();
    const video = videoOf(url);
    if (video) return asBlock(videoMarker(video.host, video.id), whole);
    const line = lineAt(chunk, offset, startLine);
    if (!/^(?:https?:)?\/\//i.test(url)) {
      notes.add(line, `iframe without an http(s) source removed: ${whole.slice(0, 60)}`);
      return '';
    }
    notes.add(line, `iframe ${url} shown as a link (only YouTube and Vimeo players are embedded)`);
    const title = TITLE.exec(attributes);
    const label = title?.[1] ?? title?.[2] ?? url;
    return asBlock(
      `<p><a href="${escapeHtml(url.startsWith('//') ? `https:${url}` : url)}">Embedded content: ${escapeHtml(label)}</a></p>`,
      whole,
    );
  });
}

const MARKER = /<p><code>readcount-video:(youtube|vimeo):([A-Za-z0-9_-]+)<\/code><\/p>/g;

/** After sanitizing: markers become a placeholder that `/_readcount/video.js` swaps for the player on click. */
export function expandVideoMarkers(html: string): string {
  if (!html.includes('readcount-video:')) return html;
  return html.replace(MARKER, (whole, host: VideoHost, id: string) => {
    if (host === 'youtube' ? !YOUTUBE_ID.test(id) : !VIMEO_ID.test(id)) return whole;
    const player =
      host === 'youtube'
        ? `https://www.youtube-nocookie.com/embed/${id}?autoplay=1`
        : `https://player.vimeo.com/video/${id}?autoplay=1&dnt=1`;
    const page = host === 'youtube' ? `https://www.youtube.com/watch?v=${id}` : `https://vimeo.com/${id}`;
    const name = host === 'youtube' ? 'YouTube' : 'Vimeo';
    return `<div class="video-embed" data-player="${escapeHtml(player)}"><button type="button" class="video-play" aria-label="Play the ${name} video (loads the player from ${name})"><span class="video-play-icon" aria-hidden="true"></span></button><a class="video-link" href="${page}">Watch on ${name}</a></div>`;
  });
}
