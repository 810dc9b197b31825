/**
 * A refused API request, as every client of the query API reports it (the browser's
 * and the command line's): the HTTP status and the server's code and message
 * (`HTTP_ERROR` and the status line when its body says nothing).
 */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The query parameter the server refused, when it names one. */
    readonly parameter?: string,
    /** ClickHouse's error code, for a failed SQL query. */
    readonly clickhouseCode?: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}
