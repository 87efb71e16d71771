import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply, type ScriptHandler } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from './mender-under-test.ts';
import type { StartOptions } from '../../src/main/start-mender.ts';
import { createTargetRepository, type TargetRepository } from './target-repository.ts';

export interface CartPipeline {
  model: ScriptedModelServer;
  mender: MenderUnderTest;
  target: TargetRepository;
}

/**
 * A scripted model server, a Mender pointed at it (extra settings in `env`), and the cart
 * repository registered as `cart`: the usual start of an end-to-end test.
 */
export async function startCartPipeline(
  script: ScriptHandler | ScriptedReply[],
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'clock' | 'supervisor'> = {},
): Promise<CartPipeline> {
  const model = await startScriptedModelServer(script);
  let mender: MenderUnderTest | undefined;
  try {
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, ...env }, options);
    const target = createTargetRepository();
    const registered = await mender.call('POST', '/api/repos', { name: 'cart', path: target.path });
    if (registered.status !== 201) {
      target.cleanup();
      throw new Error(`registering the cart repository answered ${registered.status}: ${registered.text}`);
    }
    return { model, mender, target };
  } catch (error) {
    await mender?.close();
    await model.close();
    throw error;
  }
}
