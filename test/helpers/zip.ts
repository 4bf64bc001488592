import fs from 'node:fs';
import zlib from 'node:zlib';
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

/** A member as other tools write it: its name's bytes as they are, the UTF-8 flag (general purpose bit 11) only when `utf8`. */
export type RawZipMember = {name: Buffer; data: Buffer; utf8?: boolean; extraFields?: Array<{id: number; data: Buffer}>};

/**
 * Writes a .zip of stored members with names as raw bytes (yazl writes every name as UTF-8 and flags it so): the
 * archives of Windows Explorer (OEM code page, no flag), 7-Zip (and an Info-ZIP Unicode Path field), macOS (UTF-8, no flag).
 */
export function writeRawZip(file: string, members: RawZipMember[]): void {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const {name, data, utf8 = false, extraFields = []} of members) {
		const extra = Buffer.concat(extraFields.map(({id, data: fieldData}) => Buffer.concat([uint16(id), uint16(fieldData.length), fieldData])));
		// Shared by both headers: version needed (2.0), flags, method (stored), DOS time and date (1980-01-01), CRC-32, sizes, name and extra lengths.
		const common = Buffer.concat([uint16(20), uint16(utf8 ? 0x800 : 0), uint16(0), uint16(0), uint16(0x21), uint32(zlib.crc32(data)), uint32(data.length), uint32(data.length), uint16(name.length), uint16(extra.length)]);
		const local = Buffer.concat([uint32(0x04034b50), common, name, extra, data]);
		// Made by version 2.0 on MS-DOS (FAT), as Windows Explorer says; no comment, disk 0, no attributes.
		centrals.push(Buffer.concat([uint32(0x02014b50), uint16(20), common, uint16(0), uint16(0), uint16(0), uint32(0), uint32(offset), name, extra]));
		locals.push(local);
		offset += local.length;
	}
	const directory = Buffer.concat(centrals);
	const end = Buffer.concat([uint32(0x06054b50), uint16(0), uint16(0), uint16(members.length), uint16(members.length), uint32(directory.length), uint32(offset), uint16(0)]);
	fs.writeFileSync(file, Buffer.concat([...locals, directory, end]));
}

/** The Info-ZIP Unicode Path extra field (0x7075, version 1) 7-Zip writes: `name` in UTF-8, for the raw name whose CRC-32 is `nameCrc`. */
export function unicodePathField(rawName: Buffer, name: string, nameCrc = zlib.crc32(rawName)): {id: number; data: Buffer} {
	return {id: 0x7075, data: Buffer.concat([Buffer.from([1]), uint32(nameCrc), Buffer.from(name)])};
}

function uint16(value: number): Buffer {
	const buffer = Buffer.alloc(2);
	buffer.writeUInt16LE(value);
	return buffer;
}

function uint32(value: number): Buffer {
	const buffer = Buffer.alloc(4);
	buffer.writeUInt32LE(value);
	return buffer;
}
