import { createStaticAsset } from './static-asset.ts';

/** The brand mark of the page header, as an icon: the accent square with an "S". */
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="7" fill="#1f5fd1"/>
<text x="16" y="23" text-anchor="middle" font-family="system-ui, sans-serif" font-size="20" font-weight="700" fill="#fff">S</text>
</svg>
`;

/** `/assets/favicon.svg`, which every page links to (allowed by the pages' `img-src 'self'`). */
export const favicon = createStaticAsset({
  path: '/assets/favicon.svg',
  contentType: 'image/svg+xml',
  body: SVG,
});

/**
 * `/favicon.ico`, which browsers ask for on their own (a page without the link, a bookmark): the
 * same SVG, so that request is not a 404 in every console.
 */
export const faviconIco = createStaticAsset({
  path: '/favicon.ico',
  contentType: 'image/svg+xml',
  body: SVG,
});

/** What pages link to. */
export const FAVICON_URL = favicon.url;
