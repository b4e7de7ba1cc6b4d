import QRCode from 'qrcode';

/**
 * The otpauth:// URL as a QR code in an SVG data URL: drawn here (the URL holds the TOTP secret
 * and must not go to a third-party QR service), crisp at any size, and allowed by the pages' CSP
 * (`img-src data:`), unlike inline SVG styles.
 */
export async function qrCodeDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
