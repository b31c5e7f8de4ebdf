/**
 * True for an address only this machine can open: a tablet or phone scanning a QR code of it
 * would reach itself (the board warns the operator; the console asks for a LAN address).
 */
export function isLoopback(url: string): boolean {
  try {
    const h = new URL(url).hostname;
    return h === 'localhost' || h === '[::1]' || /^127\./.test(h);
  } catch {
    return false;
  }
}
