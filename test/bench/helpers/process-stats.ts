import fs from 'node:fs';
import path from 'node:path';

/**
 * Resource figures for benchmarks. Worker threads live in this process, so its resident set size
 * covers them; it is sampled, as the kernel's lifetime peak (resourceUsage().maxRSS) would also
 * count whatever ran before the phase measured.
 */
export class PeakRss {
	private peak = process.memoryUsage.rss();
	private readonly timer: NodeJS.Timeout;

	constructor(intervalMs = 50) {
		this.timer = setInterval(() => {
			this.peak = Math.max(this.peak, process.memoryUsage.rss());
		}, intervalMs);
	}

	/** The peak so far. */
	get value(): number {
		return Math.max(this.peak, process.memoryUsage.rss());
	}

	stop(): number {
		clearInterval(this.timer);
		return this.value;
	}
}

/** CPU seconds (user + system) this process has used, all its threads included. */
export function clientCpuSeconds(): number {
	const {user, system} = process.cpuUsage();
	return (user + system) / 1e6;
}

const CLOCK_TICKS = 100;

/** utime, stime, cutime, cstime of a /proc/<pid>/stat line (fields 14–17; the command in parentheses may hold spaces). */
function statTimes(pid: string): {ppid: string; own: number; children: number} | undefined {
	try {
		const stat = fs.readFileSync(path.join('/proc', pid, 'stat'), 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [number, number, number, number];
		return {ppid: fields[1]!, own: utime + stime, children: cutime + cstime};
	} catch {
		return undefined;
	}
}

/**
 * CPU seconds used so far by the PostgreSQL server of `dataDir`: the postmaster, its live backends, and
 * the backends that already exited (reaped into the postmaster's children times). Linux only: undefined elsewhere.
 */
export function serverCpuSeconds(dataDir: string): number | undefined {
	if (process.platform !== 'linux') return undefined;
	let postmaster: string;
	try {
		postmaster = fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
	} catch {
		return undefined;
	}
	const main = statTimes(postmaster);
	if (!main) return undefined;
	let ticks = main.own + main.children;
	for (const pid of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(pid)) continue;
		const times = statTimes(pid);
		if (times?.ppid === postmaster) ticks += times.own;
	}
	return ticks / CLOCK_TICKS;
}
