import {isUtf8} from 'node:buffer';
import yauzl from 'yauzl';

/** General purpose bit 11: the name (and comment) is UTF-8. */
const UTF8_FLAG = 0x800;

const cp866 = new TextDecoder('ibm866');

/**
 * A zip member's name. The spec says an unflagged name is CP437, and yauzl reads it so, but few archives a course team
 * sends are: Windows Explorer's "Compressed folder" writes the OEM code page (CP866 on a Russian Windows, whose
 * `логи.json` yauzl read as `½«ú¿.json`), macOS and Linux zip write UTF-8 without the flag. yauzl's name stands when the
 * flag is set, when an Info-ZIP Unicode Path field (7-Zip's) gave it, or when the bytes are ASCII; else the bytes are
 * read as UTF-8 when they are UTF-8 (a CP866 or CP437 name with a byte of 0x80 or more hardly ever is), else as CP866
 * when they read as Russian (cyrillicReading), else as CP437.
 */
export function memberName(entry: yauzl.Entry): string {
	const raw = entry.fileNameRaw;
	if ((entry.generalPurposeBitFlag & UTF8_FLAG) !== 0 || raw.every((byte) => byte < 0x80)) return entry.fileName;
	// yauzl reads a valid field (version 1, CRC-32 of the raw name) first: with UTF-8 as its fallback, it then reads the
	// name otherwise than without the fields (unless the field holds just that UTF-8 reading, the name read below).
	const asUtf8 = yauzl.getFileNameLowLevel(UTF8_FLAG, raw, [], false);
	if (yauzl.getFileNameLowLevel(UTF8_FLAG, raw, entry.extraFields, false) !== asUtf8) return entry.fileName;
	// yauzl's reading is CP437, and with strictFileNames off a backslash is a folder separator, as in its readings.
	const name = isUtf8(raw) ? asUtf8 : (cyrillicReading(cp866.decode(raw).replaceAll('\\', '/')) ?? entry.fileName);
	// yauzl checked its own reading; every reading has the same ASCII (/, \, :, .), which is all the check looks at, but
	// the name handed on is the one to be safe (no "..", not absolute).
	const unsafe = yauzl.validateFileName(name);
	if (unsafe !== null) throw new Error(unsafe);
	return name;
}

/**
 * A CP866 reading that is Russian: a word of Cyrillic letters (two or more), and no word mixing Cyrillic and Latin ones.
 * Russian names keep the scripts apart (`логи_course-v1.json`); the bytes of a CP437 name's accented letters read as
 * CP866 are Cyrillic letters inside Latin words (`café` as `cafВ`, `Müller` as `Mбller`), or one alone (`à` as `Е`).
 */
function cyrillicReading(reading: string): string | undefined {
	const words = reading.match(/\p{L}+/gu) ?? [];
	const mixed = words.some((word) => /\p{Script=Cyrillic}/u.test(word) && /\p{Script=Latin}/u.test(word));
	return !mixed && /\p{Script=Cyrillic}{2}/u.test(reading) ? reading : undefined;
}
