import { describe, expect, it } from 'vitest';
import { loginUrl } from '../console/login-code.ts';
import { scannedToken } from './qr-reader.ts';

const token = '226782673f66f9d97097c2773cbd290f';

describe('scannedToken', () => {
  it('reads the token of a login card’s QR code (the link the console prints)', () => {
    expect(scannedToken(loginUrl('http://192.168.1.5:3000', token))).toBe(token);
    expect(scannedToken(loginUrl('https://judge.local:3443/', token.toUpperCase()))).toBe(token);
    expect(scannedToken(`http://x/judge-tablet/?lang=en#a=1&token=${token}`)).toBe(token);
  });
  it('takes a bare full login code', () => {
    expect(scannedToken(` ${token}\n`)).toBe(token);
  });
  it('refuses other QR codes: a product code, a Wi-Fi code, a short code, a bad token', () => {
    for (const text of [
      '6901234567892',
      'WIFI:T:WPA;S:venue;P:secret;;',
      'AJ40N4G7AS',
      'http://x/judge-tablet/#token=zz',
      `http://x/judge-tablet/#token=${token}zz`,
      'https://example.com/',
    ])
      expect(scannedToken(text), text).toBeNull();
  });
});
