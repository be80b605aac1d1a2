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

/**
 * One API's clock under a test clock: the server's time plus this API's own moves. Moving the server's clock moves
 * every API's; moving an API's own (its control endpoint, /__clock/<api>) moves that API's alone, so that checks of
 * different APIs never see each other's moves.
 */
export class ApiTestClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly server: TestClock) {}
  now(): Date {
    return new Date(this.server.now().getTime() + this.offsetMs);
  }
  advance(seconds: number): Date {
    this.offsetMs += seconds * 1000;
    return this.now();
  }
  set(to: Date): Date {
    this.offsetMs = to.getTime() - this.server.now().getTime();
    return this.now();
  }
}
