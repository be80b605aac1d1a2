/** The server's notion of "now". Every time decision in the domain modules goes through a Clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at real time and only moves when told to (via the control endpoint or tests). */
export class TestClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(seconds: number): Date {
    this.offsetMs += seconds * 1000;
    return this.now();
  }
  set(to: Date): Date {
    this.offsetMs = to.getTime() - Date.now();
    return this.now();
  }
}
