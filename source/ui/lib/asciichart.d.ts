// asciichart ships without types; this is the part of its API the chart view uses (its colours: plot has no gaps, chart.ts draws the lines).
declare module 'asciichart' {
	const asciichart: {
		colored(text: string, color: string): string;
		cyan: string;
		yellow: string;
		magenta: string;
		green: string;
		blue: string;
		red: string;
		default: string;
	};
	export default asciichart;
}
