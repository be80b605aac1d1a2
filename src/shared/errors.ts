/**
 * An error the API answers with: status code, a stable machine code, a message for people,
 * and optional details (e.g. which booking blocked an order operation). Each API renders it
 * in its own error shape.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
