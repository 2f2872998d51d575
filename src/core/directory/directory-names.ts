/**
 * What directory names may be (SPEC C1). Pure checks; the service turns a refusal into a
 * validation error naming the field.
 */
import type { Checked } from '../identity/account-names.js';

export type { Checked };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$/;
const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Dialable digits: 0-9, * and #, optionally E.164 '+' first. */
const DIRECTORY_NUMBER = /^\+?[0-9*#]{1,24}$/;

export function checkPartitionName(input: string): Checked<string> {
  return NAME.test(input)
    ? { ok: true, value: input }
    : {
        ok: false,
        reason: 'name must be 1–50 letters, digits, "_", "." or "-", starting with a letter or digit',
      };
}

export const checkCallingSearchSpaceName = checkPartitionName;

export function checkDeviceName(input: string): Checked<string> {
  return DEVICE_NAME.test(input)
    ? { ok: true, value: input }
    : { ok: false, reason: 'device name must be 1–64 letters, digits, "_", "." or "-"' };
}

export function checkDirectoryNumber(input: string): Checked<string> {
  return DIRECTORY_NUMBER.test(input)
    ? { ok: true, value: input }
    : { ok: false, reason: 'directory number must be 1–24 of 0-9, * and #, optionally after a "+"' };
}

/** Accepts 001122334455, 00:11:22:33:44:55, 00-11-…, 0011.2233.4455; gives 12 upper-case hex digits. */
export function checkMacAddress(input: string): Checked<string> {
  const compact = input.trim().replace(/[:.-]/g, '').toUpperCase();
  return /^[0-9A-F]{12}$/.test(compact)
    ? { ok: true, value: compact }
    : { ok: false, reason: 'MAC address must be 12 hexadecimal digits' };
}

export function checkDescription(input: string): Checked<string> {
  const value = input.trim();
  if (value.length > 200) return { ok: false, reason: 'description is longer than 200 characters' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value))
    return { ok: false, reason: 'description holds control characters' };
  return { ok: true, value };
}

/** Canned replies are shown on phone screens (SPEC U2): one line, short. */
export function checkCannedText(input: string): Checked<string> {
  const value = input.trim();
  if (value.length === 0) return { ok: false, reason: 'text is empty' };
  if (value.length > 160) return { ok: false, reason: 'text is longer than 160 characters' };
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value)) return { ok: false, reason: 'text holds control characters' };
  return { ok: true, value };
}
