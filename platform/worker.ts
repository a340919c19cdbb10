import { logger } from './log';

/**
 * Runs `pass` in the background: at once when nudged, otherwise every `pollMs`. A pass that returns
 * true found work and runs again immediately; an error is logged and retried at the next poll.
 */
export class Worker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private woken = false;
  private stopped = true;
  private readonly log;

  constructor(
    name: string,
    private readonly pass: () => Promise<boolean>,
    private readonly pollMs: number,
  ) {
    this.log = logger(name);
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** True while a pass runs or is about to (nudged). */
  get busy(): boolean {
    return this.running !== undefined || this.woken;
  }

  nudge() {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.woken = true;
    this.schedule(0);
  }

  private schedule(ms: number) {
    this.timer = setTimeout(() => {
      this.woken = false;
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.again ? 0 : this.pollMs);
        this.again = false;
      });
    }, ms);
  }

  private async loop() {
    try {
      while (!this.stopped && (await this.pass())) {}
    } catch (err) {
      this.log.warn({ err }, 'background pass failed; will retry');
    }
  }
}
