/**
 * A browser reduced to what the sign-in pages need, over fetch: cookies (with their paths),
 * redirects followed by hand, forms posted with their CSRF token. Faster than Chromium for the
 * many negative cases; the Chromium tests show the same pages work in a real browser.
 */
export class FormBrowser {
  /** name@path → value. */
  private readonly cookies = new Map<string, { name: string; path: string; value: string }>();
  /** The last page's HTML, URL, status and headers. */
  html = '';
  url = '';
  status = 0;
  headers = new Headers();

  private cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname.startsWith(cookie.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ');
  }

  private remember(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attributes.some((a) => /^max-age=0$/i.test(a) || /^expires=thu, 01 jan 1970/i.test(a));
      if (expired) this.cookies.delete(`${name}@${path}`);
      else this.cookies.set(`${name}@${path}`, { name, path, value: pair.slice(at + 1) });
    }
  }

  /**
   * Requests `url` and follows redirects until a page is reached or a redirect leaves for
   * `stopAt` (the client's callback); resolves that callback URL, or undefined on a page.
   */
  async go(url: string, init: { method?: string; form?: Record<string, string> } = {}, stopAt?: string) {
    let target = new URL(url);
    let method = init.method ?? 'GET';
    let body: string | undefined = init.form ? new URLSearchParams(init.form).toString() : undefined;
    for (let hops = 0; hops < 10; hops++) {
      const headers: Record<string, string> = { cookie: this.cookieHeader(target) };
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(target, { method, headers, body, redirect: 'manual' });
      this.remember(response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, target);
        if (stopAt !== undefined && next.href.startsWith(stopAt)) return next.href;
        target = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      this.status = response.status;
      this.headers = response.headers;
      this.url = target.href;
      this.html = await response.text();
      return undefined;
    }
    throw new Error('too many redirects');
  }

  /** The CSRF token of the current page's forms. */
  csrf(): string {
    const match = /name="csrf" value="([^"]+)"/.exec(this.html);
    if (!match?.[1]) throw new Error(`no form on ${this.url}: ${this.html.slice(0, 300)}`);
    return match[1];
  }

  /** Posts to `action` (relative to the current page's interaction) with the page's CSRF token. */
  submit(action: string, fields: Record<string, string>, stopAt?: string) {
    const base = new URL(this.url);
    const formAction = /action="([^"]*\/(login|mfa|consent|abort)[^"]*)"/g;
    const actions = [...this.html.matchAll(formAction)].map((m) => m[1] ?? '');
    const path = actions.find((a) => a.endsWith(`/${action}`));
    if (!path) throw new Error(`no ${action} form on ${this.url}`);
    return this.go(
      new URL(path, base).href,
      { method: 'POST', form: { csrf: this.csrf(), ...fields } },
      stopAt,
    );
  }
}
