// The share link: the blueprint, deflated (CompressionStream "deflate-raw") and written in
// base64url, travels in the URL's fragment, which browsers never send to a server.
//
//   #v=1&t=<target>&f=<file name>&b=<base64url(deflate-raw(UTF-8 text))>
//
// Decoding is bounded: a fragment that inflates past MAX_TEXT_BYTES is refused, so a
// crafted link cannot make the page allocate without end.

export const MAX_TEXT_BYTES = 4 * 1024 * 1024;

async function pipe(bytes, stream) {
  const out = new Blob([bytes]).stream().pipeThrough(stream);
  const reader = out.getReader();
  const parts = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_TEXT_BYTES) {
      await reader.cancel();
      throw new Error(`the shared blueprint is larger than ${MAX_TEXT_BYTES} bytes`);
    }
    parts.push(value);
  }
  const joined = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return joined;
}

export function toBase64Url(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('the link is damaged (not base64url)');
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

/** The fragment (without '#') for a blueprint text checked at `target` as `filename`. */
export async function encodeShare({ text, target, filename }) {
  const packed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  const params = new URLSearchParams({ v: '1', t: target, f: filename });
  return `${params}&b=${toBase64Url(packed)}`;
}

/** The blueprint of a fragment made by encodeShare, or null when the fragment holds none. */
export async function decodeShare(fragment) {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const b = params.get('b');
  if (params.get('v') !== '1' || b === null) return null;
  const raw = await pipe(fromBase64Url(b), new DecompressionStream('deflate-raw'));
  return {
    text: new TextDecoder('utf-8', { fatal: true }).decode(raw),
    target: params.get('t') ?? '',
    filename: params.get('f') ?? '',
  };
}
