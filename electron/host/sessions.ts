// What each viewer (the Electron window, a browser tab of `topolens serve`) has open:
// a bounded, least-recently-used map of sessions. No I/O and no transport: the host
// service decides what a session holds, this only keeps and evicts them.
import type { LoadedTopology } from '../ipc';

export interface Session {
  readonly id: string;
  /** What the viewer sees now; null until the first load. */
  loaded: LoadedTopology | null;
  /** What Reload re-reads: a path or "live" (undefined = live); null for dropped bytes. */
  input: string | undefined | null;
}

export class SessionStore {
  private readonly map = new Map<string, Session>();

  constructor(
    /** Most sessions kept; the least recently used one goes first. */
    readonly max: number,
    private readonly fresh: (id: string) => Session,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('SessionStore needs max >= 1');
  }

  /** The session with this id (made fresh when unknown or evicted), now the most recently used. */
  get(id: string): Session {
    let s = this.map.get(id);
    if (s) this.map.delete(id);
    else s = this.fresh(id);
    this.map.set(id, s);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value as string);
    return s;
  }

  has(id: string): boolean {
    return this.map.has(id);
  }

  get size(): number {
    return this.map.size;
  }
}
