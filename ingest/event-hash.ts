import crypto from 'node:crypto';

/** The event's identity: the first 128 bits of the sha256 of its JSON text (sha256 runs in hardware on current CPUs). */
export function eventHash(json: Uint8Array): string {
	return crypto.hash('sha256', json).slice(0, 32);
}
