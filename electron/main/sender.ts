// The IPC transport's guard, as a pure function: only our window's own top frame may
// call the host service (not an iframe, not another window or webContents). No
// electron import, so it is unit-tested without an Electron binary.

/** The parts of an IPC event and of our window that the check compares (by identity). */
export interface SenderFacts<W, F> {
  readonly sender: W;
  readonly senderFrame: F | null;
}

export function senderAllowed<W, F>(event: SenderFacts<W, F>, ours: { readonly webContents: W; readonly mainFrame: F } | null): boolean {
  return ours !== null && event.sender === ours.webContents && event.senderFrame === ours.mainFrame;
}
