import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StepMetrics } from './pipeline-ports.ts';

/** Prometheus metrics of the pipeline: operations by status, step durations, model tokens. */
export class PipelineMetrics implements StepMetrics {
  readonly registry = new Registry();
  readonly stepDuration: Histogram<'step' | 'outcome'>;
  readonly modelTokens: Counter<'role' | 'kind'>;
  readonly modelCalls: Counter<'role'>;
  readonly modelCost: Counter<'role'>;
  readonly operationsByStatus: Gauge<'status'>;

  constructor(countByStatus: () => Promise<Record<string, number>>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'mender_process_' });
    this.stepDuration = new Histogram({
      name: 'mender_step_duration_seconds',
      help: 'Duration of pipeline steps (plan, execute, verify, review, merge).',
      labelNames: ['step', 'outcome'],
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers: [this.registry],
    });
    this.modelTokens = new Counter({
      name: 'mender_model_tokens_total',
      help: 'Model tokens by role and kind (input, output).',
      labelNames: ['role', 'kind'],
      registers: [this.registry],
    });
    this.modelCalls = new Counter({ name: 'mender_model_calls_total', help: 'Model calls (steps) by role.', labelNames: ['role'], registers: [this.registry] });
    this.modelCost = new Counter({
      name: 'mender_model_cost_dollars_total',
      help: 'Model cost in US dollars by role, from the price table (MENDER_MODEL_PRICES); models not in it count 0.',
      labelNames: ['role'],
      registers: [this.registry],
    });
    this.operationsByStatus = new Gauge({
      name: 'mender_operations',
      help: 'Operations by status.',
      labelNames: ['status'],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [status, count] of Object.entries(await countByStatus())) this.set({ status }, count);
      },
    });
  }

  /** Times a step and records its outcome. */
  async timeStep<Result>(step: string, run: () => Promise<Result>): Promise<Result> {
    const end = this.stepDuration.startTimer({ step });
    try {
      const result = await run();
      end({ outcome: 'ok' });
      return result;
    } catch (error) {
      end({ outcome: 'error' });
      throw error;
    }
  }
}
