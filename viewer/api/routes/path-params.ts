/** The path parameters both dialects' routes name: a service and a trace id. */
import type { Request } from 'express';
import { BadParameter, traceIdParam } from '../params';

/** `:service`: any name up to 1024 characters, as services are stored. */
export function serviceOf(req: Request): string {
  const value: unknown = req.params['service'];
  if (typeof value !== 'string' || value === '' || value.length > 1024) throw new BadParameter('service', 'expected a service name');
  return value;
}

/** `:traceId`, normalized to 32 lower-case hex digits. */
export function traceIdOf(req: Request): string {
  return traceIdParam(String(req.params['traceId']));
}
