/**
 * The window's Content-Security-Policy and companion headers, one definition for the
 * headless server and Electron. Everything is same-origin: no inline script, no eval, no
 * third-party hosts. Styles alone may be inline: the UI and its chart library write style
 * attributes, and its own meta CSP allows them; script, where injection matters, stays
 * 'self' only.
 */
export function contentSecurityPolicy(options: { readonly webSocketOrigin?: string } = {}): string {
  const connect = ["'self'", ...(options.webSocketOrigin ? [options.webSocketOrigin] : [])].join(
    ' ',
  );
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `connect-src ${connect}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Headers on every response: no MIME sniffing, and no Referer — the page URL holds the token. */
export const COMMON_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Headers for the page itself. */
export function pageSecurityHeaders(webSocketOrigin: string): Record<string, string> {
  return {
    ...COMMON_SECURITY_HEADERS,
    'Content-Security-Policy': contentSecurityPolicy({ webSocketOrigin }),
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    // With COOP, makes the page cross-origin isolated: nothing from another origin loads
    // into it unless that origin opts in, and the page gets its own process.
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': 'no-store',
  };
}
