import { randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The headless UI's access token: 32 random bytes per run, in the printed URL. Any local
 * process or web page can reach 127.0.0.1; only whoever was shown the URL has the token.
 */
export function createAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison, so the token cannot be guessed byte by byte from timings. */
export function tokenMatches(expected: string, offered: string | null | undefined): boolean {
  if (typeof offered !== 'string') return false;
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(offered, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
