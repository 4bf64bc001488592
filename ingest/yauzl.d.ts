// What yauzl 3 has and @types/yauzl (2.10) does not say: the name's bytes, and yauzl's own decoding of them (see zip-names.ts).
import 'yauzl';

declare module 'yauzl' {
	interface Entry {
		fileNameRaw: Buffer;
	}
	function getFileNameLowLevel(generalPurposeBitFlag: number, fileNameBuffer: Buffer, extraFields: Array<{id: number; data: Buffer}>, strictFileNames: boolean): string;
}
