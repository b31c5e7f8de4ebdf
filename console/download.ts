/**
 * Saving what the console fetched with its Bearer header: a file through a temporary link
 * (`<a download>`), or an HTML page in a new window (for printing).
 */

/** Offers `blob` as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL; give the browser a moment before freeing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Opens a window at once (inside the click, so no pop-up blocker objects) and returns a
 * function that shows the fetched page in it, or closes it when the fetch failed. Null when
 * the browser refused the window.
 */
export function reserveWindow(): ((blob: Blob | null) => void) | null {
  const w = window.open('', '_blank');
  if (!w) return null;
  return (blob) => {
    if (!blob) {
      w.close();
      return;
    }
    const url = URL.createObjectURL(blob);
    w.location.href = url;
    setTimeout(() => URL.revokeObjectURL(url), 120_000);
  };
}
