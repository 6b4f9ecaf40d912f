/** What LiveRedraw needs of the page: whether an element is on screen, and the next frame. */
export interface Screen {
  /** Calls `seen` with whether `element` is on screen, now and at each change; gives a function that stops it. */
  follow(element: object, seen: (onScreen: boolean) => void): () => void;
  nextFrame(run: () => void): void;
}

/**
 * Redraws the run page's charts after new points, at most once per frame and only the charts on
 * screen: a chart off screen (or in a closed section, or while the panel is hidden) keeps its new
 * points and draws them as it comes into view. A run page of fifty charts, written to every few
 * hundred milliseconds, then costs the few charts a user sees, and writes that come faster than a
 * frame are drawn together.
 */
export class LiveRedraw {
  private readonly dirty = new Set<string>();
  private readonly onScreen = new Set<string>();
  private readonly stops = new Map<string, () => void>();
  private scheduled = false;

  constructor(private readonly screen: Screen, private readonly redraw: (id: string) => void) {}

  /** Follows whether chart `id`'s element is on screen. */
  watch(id: string, element: object): void {
    this.stops.get(id)?.();
    this.stops.set(id, this.screen.follow(element, (on) => {
      if (on) this.onScreen.add(id);
      else this.onScreen.delete(id);
      this.schedule();
    }));
  }

  /** Stops following a chart (its element is gone). */
  forget(id: string): void {
    this.stops.get(id)?.();
    this.stops.delete(id);
    this.dirty.delete(id);
    this.onScreen.delete(id);
  }

  /** These charts have new points: drawn on the next frame when on screen, else once they are. */
  mark(ids: Iterable<string>): void {
    for (const id of ids) this.dirty.add(id);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled || ![...this.dirty].some((id) => this.onScreen.has(id))) return;
    this.scheduled = true;
    this.screen.nextFrame(() => {
      this.scheduled = false;
      for (const id of [...this.dirty]) {
        if (!this.onScreen.has(id)) continue;
        this.dirty.delete(id);
        this.redraw(id);
      }
    });
  }
}
