/**
 * A task argument whose `{{ ... }}` template could not be rendered. The scheduler fails the try
 * with this message, so it names the argument and the expression and says what to do.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    /** Where the template sits in the task, e.g. `bash_command` or `headers.Authorization`. */
    readonly argument: string,
    /** The offending `{{ ... }}` or `{% ... %}` tag when it could be located, else the whole template. */
    readonly expression: string,
    /** What went wrong, in nunjucks' words or ours. */
    readonly detail: string,
  ) {
    super(`Could not render the template in "${argument}": ${expression} ${detail}`);
  }
}
