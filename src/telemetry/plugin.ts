// The telemetry plugin: decorates `telemetry` and logs an observer that threw and was detached.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { HANDLER_FAILURE_EVENT, Telemetry } from './telemetry.js';

declare module 'fastify' {
  interface FastifyInstance {
    telemetry: Telemetry;
  }
}

export interface TelemetryPluginOptions {
  /** The caller's own (to attach handlers before start); a new one otherwise. */
  readonly telemetry?: Telemetry | undefined;
}

async function telemetryFeature(app: FastifyInstance, options: TelemetryPluginOptions): Promise<void> {
  const telemetry = options.telemetry ?? new Telemetry();
  // :telemetry's contract: a handler that throws is detached and reported. Counting never rides on a handler (it is
  // called directly), so this only tells the operator that an observer (metrics, receipts, their own) went quiet.
  telemetry.attach(
    'readcount.handler-failures',
    HANDLER_FAILURE_EVENT,
    (_event, _measurements, metadata) => {
      app.log.error(
        { err: metadata.error },
        `telemetry handler "${String(metadata.handler_id)}" threw and was detached`,
      );
    },
    null,
  );
  app.decorate('telemetry', telemetry);
}

export const telemetryPlugin = fp(telemetryFeature, { name: 'readcount-telemetry', fastify: '5.x' });
