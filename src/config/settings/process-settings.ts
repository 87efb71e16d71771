import { z } from 'zod';
import { define } from '../setting-definition.ts';

/** The process itself: logging and the config file. */
export const processSettings = {
  logLevel: define({
    key: 'logLevel',
    env: ['MENDER_LOG_LEVEL'],
    schema: z.enum(['debug', 'info', 'warn', 'error']),
    default: 'info',
    description: 'Least severe log level printed.',
  }),
  configFile: define({
    key: 'configFile',
    env: ['MENDER_CONFIG'],
    schema: z.string().optional(),
    default: undefined,
    description: 'JSON config file (default `mender.config.json` in the working folder, when present); environment variables win over it.',
  }),
} as const;
