import { html, type SafeHtml } from '../web/html.ts';

/** A refusal that belongs to one control of a form: the control's `id` and what to say. */
export interface FieldError {
  field: string;
  message: string;
}

/** The id of the message shown next to a control. */
export const errorIdOf = (field: string): string => `${field}-error`;

/**
 * How a form shows its refusals: each invalid control gets `aria-invalid` and is described by the
 * message beside it (then its hint), and the first invalid one gets `autofocus`. The page itself
 * has no script, so focus can only move by what the server renders.
 */
export function fieldErrors(errors: readonly FieldError[] = []) {
  const byField = new Map(errors.map((e) => [e.field, e.message]));
  const first = errors[0]?.field;
  return {
    has: (field: string): boolean => byField.has(field),
    /**
     * The attributes of a control: described by its error (of `errorOf`, default its own) and
     * `hint`, and focused when it is the first invalid control or, without errors, `focusByDefault`.
     */
    attributes(
      id: string,
      options: { hint?: string; errorOf?: string; focusByDefault?: boolean } = {},
    ): SafeHtml {
      const errorOf = options.errorOf ?? id;
      const invalid = byField.has(errorOf);
      const describedBy = [invalid ? errorIdOf(errorOf) : undefined, options.hint].filter(Boolean).join(' ');
      const focus = first === undefined ? options.focusByDefault === true : first === id;
      return html`${invalid ? html` aria-invalid="true"` : ''}${describedBy ? html` aria-describedby="${describedBy}"` : ''}${focus ? html` autofocus` : ''}`;
    },
    /** The message next to the control, or nothing. */
    message(field: string): SafeHtml {
      const message = byField.get(field);
      return message === undefined
        ? html``
        : html`<p class="field-error" id="${errorIdOf(field)}"><span class="visually-hidden">Error: </span>${message}</p>`;
    },
  };
}
