import fs from 'node:fs';
import yazl from 'yazl';

/** Writes a .zip fixture (synchronously enough for tests: resolves when the file is complete). */
export function writeZip(file: string, members: Array<{name: string; data: Buffer}>): Promise<void> {
	const zip = new yazl.ZipFile();
	for (const member of members) zip.addBuffer(member.data, member.name);
	zip.end();
	return new Promise((resolve, reject) => {
		zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
	});
}
