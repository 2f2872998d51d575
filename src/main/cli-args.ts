/** Argument parsing for the herald command: node:util parseArgs, every mistake an exit-2 error. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { HeraldError } from '../kernel/errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

export const argumentError = (message: string, argument?: string): HeraldError =>
  new HeraldError('HERALD_ERR_ARGUMENT', message, argument);

export function parse(
  args: readonly string[],
  options: OptionSpec,
  positionals: { min: number; max: number },
  usage: string,
): ParsedArgs {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedArgs;
  } catch (error) {
    throw argumentError(`${(error as Error).message.split('\n')[0]} (usage: ${usage})`);
  }
  if (parsed.values.help) return parsed;
  if (parsed.positionals.length < positionals.min) throw argumentError(`missing argument (usage: ${usage})`);
  if (parsed.positionals.length > positionals.max)
    throw argumentError(
      `unexpected argument ${JSON.stringify(parsed.positionals[positionals.max])} (usage: ${usage})`,
    );
  return parsed;
}

export const str = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.values[name];
  return typeof value === 'string' ? value : undefined;
};

export const list = (args: ParsedArgs, name: string): string[] => {
  const value = args.values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
};

/** NUMBER@PARTITION, the CLI's way to name a line (the same number in two partitions is two lines). */
export function lineArgument(
  text: string,
  defaultPartition: string | undefined,
): { number: string; partition: string } {
  const at = text.lastIndexOf('@');
  const number = at < 0 ? text : text.slice(0, at);
  const partition = at < 0 ? defaultPartition : text.slice(at + 1);
  if (!number || !partition)
    throw argumentError(`line ${JSON.stringify(text)} must be NUMBER@PARTITION`, text);
  return { number, partition };
}
