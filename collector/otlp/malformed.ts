import { HindsightError } from '../../common/errors';

/**
 * A request whose structure cannot be read: nothing of it is stored. `message`
 * names the path of the offending field, so an exporter author can find it.
 */
export class MalformedRequest extends HindsightError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('HS_MALFORMED_BODY', message, options);
  }
}
