/**
 * XEP-0004: Data Forms — https://xmpp.org/extensions/xep-0004.html — the subset pubsub
 * configuration and entity capabilities need: reading a form's fields and values, building a
 * form with a FORM_TYPE (XEP-0068).
 */
import { type Element, el } from '../../xml/index.js';

export const NS_DATA_FORMS = 'jabber:x:data';

export interface DataFormField {
  readonly var: string;
  readonly type: string | undefined;
  readonly values: readonly string[];
}

export interface DataForm {
  /** §3.1: form, submit, cancel or result. */
  readonly type: string;
  readonly fields: readonly DataFormField[];
}

/** The form in `x` (an element `<x xmlns='jabber:x:data'/>`): fields without a var are left out. */
export function parseDataForm(x: Element): DataForm {
  const fields: DataFormField[] = [];
  for (const field of x.getChildren('field', NS_DATA_FORMS)) {
    const name = field.attr('var');
    if (name === undefined) continue;
    const values = field.getChildren('value', NS_DATA_FORMS).map((value) => value.text());
    fields.push({ var: name, type: field.attr('type'), values });
  }
  return { type: x.attr('type') ?? '', fields };
}

/** XEP-0068 §2: the value of the hidden FORM_TYPE field. */
export function formTypeOf(form: DataForm): string | undefined {
  return form.fields.find((field) => field.var === 'FORM_TYPE')?.values[0];
}

/** The first value of a field, if the form has it. */
export function fieldValue(form: DataForm, name: string): string | undefined {
  return form.fields.find((field) => field.var === name)?.values[0];
}

/** §3.3 boolean: "0"/"false" or "1"/"true"; null for anything else. */
export function parseFormBoolean(text: string): boolean | null {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  return null;
}

export interface FieldInput {
  readonly var: string;
  readonly type: string;
  readonly label?: string;
  readonly values: readonly string[];
  /** For list-single fields: the values one may choose (§3.3). */
  readonly options?: readonly string[];
}

/** A form of `type` with its FORM_TYPE first (XEP-0068 §2). */
export function dataForm(
  type: 'form' | 'submit' | 'result',
  formType: string,
  fields: readonly FieldInput[],
): Element {
  return el(
    'x',
    { xmlns: NS_DATA_FORMS, type },
    el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', formType)),
    ...fields.map((field) =>
      el(
        'field',
        { var: field.var, type: field.type, label: field.label },
        ...(field.options ?? []).map((option) => el('option', el('value', option))),
        ...field.values.map((value) => el('value', value)),
      ),
    ),
  );
}
