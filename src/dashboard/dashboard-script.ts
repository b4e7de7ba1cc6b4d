import { createStaticAsset } from '../web/static-asset.ts';

/**
 * The dashboard's only script, an enhancement: every page works without it (a token can be
 * selected and copied by hand, a revoke asks on a confirmation page, a custom expiry date is
 * chosen with its radio button). It adds copy buttons (shown only when it runs), confirmation
 * dialogs for forms marked `data-confirm`, and selects "Custom date" when a date is picked.
 * Served from our origin: the pages' CSP allows scripts from 'self' and nothing inline.
 */
const SCRIPT = `'use strict';
(() => {
  const status = document.getElementById('live-status');
  const announce = (message) => {
    if (!status) return;
    status.textContent = '';
    setTimeout(() => { status.textContent = message; }, 50);
  };

  for (const button of document.querySelectorAll('button[data-copy]')) {
    const source = document.getElementById(button.dataset.copy);
    if (!source) continue;
    const label = button.textContent;
    button.hidden = false;
    button.addEventListener('click', async () => {
      const shown = 'value' in source ? source.value : source.innerText;
      // A setup key is shown in groups of four; apps want it whole.
      const text = 'copyCompact' in button.dataset ? shown.replace(/\\s/g, '') : shown;
      try {
        await navigator.clipboard.writeText(text.trim());
        button.textContent = 'Copied';
        announce('Copied to the clipboard.');
        setTimeout(() => { button.textContent = label; }, 2000);
      } catch {
        if (typeof source.select === 'function') source.select();
        announce('Copying is not allowed here: press Control+C or Command+C to copy the selection.');
      }
    });
  }

  for (const form of document.querySelectorAll('form[data-confirm]')) {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      const confirmed = document.createElement('input');
      confirmed.type = 'hidden';
      confirmed.name = 'confirm';
      confirmed.value = 'yes';
      form.append(confirmed);
    });
  }

  // A date belongs to "Custom date": picking one chooses it, choosing a preset clears it (the
  // server refuses a date sent with a preset rather than guess which was meant).
  const customDate = document.getElementById('expires-on');
  const customChoice = document.getElementById('expires-custom');
  if (customDate && customChoice) {
    customDate.addEventListener('input', () => { customChoice.checked = true; });
    for (const preset of document.querySelectorAll('input[name="expires_in"]')) {
      if (preset === customChoice) continue;
      preset.addEventListener('change', () => { if (preset.checked) customDate.value = ''; });
    }
  }
})();
`;

/** `/assets/dashboard.js`. */
export const dashboardScript = createStaticAsset({
  path: '/assets/dashboard.js',
  contentType: 'text/javascript; charset=utf-8',
  body: SCRIPT,
});
