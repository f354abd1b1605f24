// The Electron IPC guard: only our window's own top frame may call (identity checks).
import { describe, expect, it } from 'vitest';
import { senderAllowed } from '../../../electron/main/sender';

describe('senderAllowed', () => {
  const wc = { id: 1 };
  const main = { name: 'main' };
  const ours = { webContents: wc, mainFrame: main };
  it('our webContents and its main frame', () => {
    expect(senderAllowed({ sender: wc, senderFrame: main }, ours)).toBe(true);
  });
  it('an iframe of our page, another webContents, a gone frame, or no window', () => {
    expect(senderAllowed({ sender: wc, senderFrame: { name: 'iframe' } }, ours)).toBe(false);
    expect(senderAllowed({ sender: { id: 1 }, senderFrame: main }, ours)).toBe(false); // equal-looking is not the same
    expect(senderAllowed({ sender: wc, senderFrame: null }, ours)).toBe(false);
    expect(senderAllowed({ sender: wc, senderFrame: main }, null)).toBe(false);
  });
});
