import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import { AppError } from '@speech/kernel';
import type { Transactor } from '../transactor.port';

/** A share of a unit of work kept by one adapter (the document store, the event log). */
export interface UnitParticipant {
  /** Whether what the work read through this participant is still what the database holds. */
  validate(): boolean;
  /** Writes this participant's share; runs inside the commit transaction, after every validate(). */
  flush(): void;
}

/**
 * What one piece of work (an event handler, an HTTP command) did: its writes, the messages it
 * published and what it read, held in memory until the work ends and then committed in one
 * transaction.
 */
export class UnitOfWork {
  private participants = new Map<object, UnitParticipant>();
  private steps: (() => void)[] = [];
  afterCommit: (() => void)[] = [];
  state: 'open' | 'committed' | 'discarded' = 'open';

  /** The participant `owner` keeps in this unit, created on first use. */
  join<P extends UnitParticipant>(owner: object, create: () => P): P {
    let p = this.participants.get(owner);
    if (!p) {
      p = create();
      this.participants.set(owner, p);
    }
    return p as P;
  }

  /** A write that depends on nothing the work read (an offset commit, say). */
  addStep(step: () => void): void {
    this.steps.push(step);
  }

  /** @internal after a commit of progress: the work goes on in a fresh unit. */
  reset(): void {
    this.participants = new Map();
    this.steps = [];
    this.afterCommit = [];
  }

  /** @internal */
  commitIn(): void {
    for (const p of this.participants.values()) if (!p.validate()) throw new WriteConflict();
    for (const p of this.participants.values()) p.flush();
    for (const s of this.steps) s();
  }
}

/** What a unit read has changed since: the work runs again on what is there now. */
export class WriteConflict extends AppError {
  constructor() {
    super('PERSISTENCE.CONFLICT', 'concurrent work changed what this work read', { retriable: true });
  }
}

/** Runs of a work that keeps conflicting before we give up and let the caller's retry decide. */
const MAX_CONFLICT_RUNS = 25;

export interface SqliteDatabaseOptions {
  /**
   * FULL (the default) syncs the write-ahead log on every commit, so an acknowledged request
   * survives a power cut; NORMAL survives a crash of the process, not of the machine.
   */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * One SQLite database (WAL mode) for the single process: the document store and the event
 * log share it, so a handler's writes, the events it publishes and its offset commit are one
 * transaction. better-sqlite3 is synchronous: a commit runs without any other JavaScript in
 * between, which is what makes validating a unit's reads at commit time sound.
 */
export class SqliteDatabase implements Transactor {
  readonly db: Database.Database;
  private readonly als = new AsyncLocalStorage<UnitOfWork>();
  /** Bumped by every committed write to a table: a unit skips re-reading tables nobody wrote. */
  private readonly tableSeq = new Map<string, number>();

  constructor(file: string, opts: SqliteDatabaseOptions = {}) {
    this.db = new Database(file, nativeBinding());
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('cache_size = -16000'); // 16 MB of page cache, whatever the database's size
  }

  /** The open unit of the work running now, if any. */
  current(): UnitOfWork | undefined {
    const unit = this.als.getStore();
    if (unit && unit.state !== 'open') {
      throw new AppError('PERSISTENCE.UNIT_CLOSED', 'work used the store after its unit had ended');
    }
    return unit;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.als.getStore()?.state === 'open') return work(); // nested work joins the outer unit
    for (let run = 1; ; run++) {
      const unit = new UnitOfWork();
      let result: T;
      try {
        result = await this.als.run(unit, work);
      } catch (err) {
        unit.state = 'discarded';
        // A commit of progress inside the work found its reads stale: run it again from there.
        if (err instanceof WriteConflict && run < MAX_CONFLICT_RUNS) continue;
        throw err;
      }
      try {
        this.commit(unit);
        return result;
      } catch (err) {
        if (!(err instanceof WriteConflict) || run >= MAX_CONFLICT_RUNS) throw err;
      }
    }
  }

  /** Runs fn outside any unit: work it starts (a bus's delivery loop) is not part of the caller's. */
  outside<T>(fn: () => T): T {
    return this.als.exit(fn);
  }

  afterCommit(fn: () => void): void {
    const unit = this.current();
    if (unit) unit.afterCommit.push(fn);
    else fn();
  }

  /**
   * Commits what the current work did so far and lets it go on in a fresh unit: a handler that
   * runs for minutes (cutting an hour of audio) keeps its progress through a crash. Throws the
   * conflict error (retriable) when what it read changed meanwhile.
   */
  async commitProgress(): Promise<void> {
    const unit = this.current();
    if (!unit) return;
    this.commit(unit);
    unit.state = 'open';
    unit.reset();
  }

  /** Synchronous work outside any unit, committed at once (a single write made atomic). */
  autocommit<T>(fn: (unit: UnitOfWork) => T): T {
    const unit = new UnitOfWork();
    const result = fn(unit);
    this.commit(unit);
    return result;
  }

  /** The write sequence number of a table, for UnitParticipant.validate(). */
  seqOf(table: string): number {
    return this.tableSeq.get(table) ?? 0;
  }

  /** Called by participants' flush() for each table they write. */
  wrote(table: string): void {
    this.tableSeq.set(table, this.seqOf(table) + 1);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private commit(unit: UnitOfWork): void {
    const seqs = new Map(this.tableSeq);
    try {
      this.db.transaction(() => unit.commitIn()).immediate();
    } catch (err) {
      // The transaction rolled back: so do the sequence numbers its flush moved.
      this.tableSeq.clear();
      for (const [k, v] of seqs) this.tableSeq.set(k, v);
      unit.state = 'discarded';
      throw storageError(err);
    }
    unit.state = 'committed';
    for (const fn of unit.afterCommit) fn();
  }
}

/** SQLite's errors in our vocabulary: a full disk is a condition users can act on. */
export function storageError(err: unknown): unknown {
  const code = (err as { code?: unknown })?.code;
  if (code === 'SQLITE_FULL') {
    return new AppError('STORAGE.FULL', 'the disk is full: free some space and try again', {
      retriable: true,
      cause: err,
    });
  }
  return err;
}

/**
 * better-sqlite3's native addon is built per Node ABI (scripts/setup/better-sqlite3.sh). A run
 * on another Node than the one setup installed for (CI's Node 24 unit tier) names its own
 * build in BETTER_SQLITE3_BINDING: a toolchain setting, like NODE_OPTIONS, not app config.
 */
function nativeBinding(): Database.Options {
  const binding = process.env.BETTER_SQLITE3_BINDING;
  return binding ? { nativeBinding: binding } : {};
}
