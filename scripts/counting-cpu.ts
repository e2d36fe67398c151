// CPU per read of the DETS row's counting path, per thread, for checkouts side by side: `node --import tsx scripts/counting-cpu.ts [checkout…]`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const INCREMENTS = Number(process.env.INCREMENTS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const checkouts = (process.argv.length > 2 ? process.argv.slice(2) : ['.']).map((path) => resolve(path));

/** CPU time per thread name, in clock ticks (Linux /proc: a thread's utime + stime). */
function threadTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const used = Number(fields[11]) + Number(fields[12]);
    // V8's helper threads (GC, compilers) are summed under one name; the SQLite writer is the "WorkerThread".
    ticks.set(name, (ticks.get(name) ?? 0) + used);
  }
  return ticks;
}

// Each round runs every checkout once, in turn, so each pair shares the machine's load of its moment.
for (let round = 1; round <= ROUNDS; round += 1) {
  for (const checkout of checkouts) {
    const { readCounterRate } = await import(pathToFileURL(join(checkout, 'bench/scenarios/dets.ts')).href);
    const before = threadTicks();
    const cpu = process.cpuUsage();
    const rate = (await readCounterRate(INCREMENTS)) as number;
    const used = process.cpuUsage(cpu);
    const total = (used.user + used.system) / INCREMENTS;
    const live = [...threadTicks()]
      .map(([name, ticks]) => [name, ((ticks - (before.get(name) ?? 0)) * 10_000) / INCREMENTS] as const)
      .filter(([, us]) => us > 0);
    // The writer thread has ended with its store by now: what the live threads do not account for is its share.
    const writer = total - live.reduce((sum, [, us]) => sum + us, 0);
    const perThread = [...live, ['writer thread', writer] as const].map(([name, us]) => `${name} ${us.toFixed(1)}`);
    process.stdout.write(
      `round ${round} ${checkout}: ${Math.round(rate)} reads/s, ${total.toFixed(1)} µs CPU/read (${perThread.join(', ')})\n`,
    );
  }
}
