/** Copying text: the async Clipboard API, with the selection-based fallback for plain-HTTP origins. */

/** Put `text` on the clipboard; false when the browser refused. */
export async function copyText(text: string): Promise<boolean> {
  // navigator.clipboard exists only in secure contexts (HTTPS or localhost).
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Denied (no permission, not focused): try the fallback.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.append(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
