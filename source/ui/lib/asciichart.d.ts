// asciichart ships without types; this is the part of its API the chart view uses.
declare module 'asciichart' {
	type PlotConfig = {height?: number; colors?: string[]; format?: (value: number, index: number) => string; min?: number; max?: number};
	const asciichart: {
		plot(series: number[] | number[][], config?: PlotConfig): string;
		colored(text: string, color: string): string;
		cyan: string;
		yellow: string;
		magenta: string;
		green: string;
		default: string;
	};
	export default asciichart;
}
