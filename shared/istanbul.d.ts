// istanbul-lib-instrument ships no types; this is the part we use.
declare module "istanbul-lib-instrument" {
  export interface InstrumenterOptions {
    esModules?: boolean;
    compact?: boolean;
    produceSourceMap?: boolean;
    parserPlugins?: string[];
  }
  export interface Instrumenter {
    instrumentSync(code: string, filename: string): string;
  }
  export function createInstrumenter(opts?: InstrumenterOptions): Instrumenter;
}
