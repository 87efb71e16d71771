// The written layer order (scripts/layers.json) and the rule it sets on folder imports.
import fs from 'node:fs';
import { z } from 'zod';
import type { FolderImport } from './folder-imports.ts';

const layerSchema = z.object({
  name: z.string().min(1),
  folders: z.array(z.string().min(1)).min(1),
  /** Folders of this layer may not import one another (siblings that must stay apart). */
  independent: z.boolean().optional(),
});

const layerOrderSchema = z.object({
  /** Top layer first: a folder may import folders of its own layer and of the layers below it. */
  layers: z.array(layerSchema).min(1),
});

export type LayerOrder = z.infer<typeof layerOrderSchema>;

export function readLayerOrder(file: string): LayerOrder {
  const order = layerOrderSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const seen = new Set<string>();
  for (const folder of order.layers.flatMap((layer) => layer.folders)) {
    if (seen.has(folder)) throw new Error(`${file}: folder ${folder} is in more than one layer`);
    seen.add(folder);
  }
  return order;
}

export interface LayerViolation {
  file: string;
  line: number;
  message: string;
}

/**
 * Every import that points up the order, sideways inside an independent layer, or from or into
 * a folder the order does not place (a new room must be given a layer before it is used).
 */
export function layerViolations(order: LayerOrder, folders: Iterable<string>, imports: FolderImport[]): LayerViolation[] {
  // Rank 0 is the bottom layer, so "may import" is "rank not higher than mine".
  const rankOf = new Map<string, number>();
  order.layers.forEach((layer, position) => {
    for (const folder of layer.folders) rankOf.set(folder, order.layers.length - 1 - position);
  });
  const violations: LayerViolation[] = [];
  for (const folder of [...folders].sort()) {
    if (!rankOf.has(folder)) violations.push({ file: `src/${folder}/`, line: 0, message: `src/${folder} is in no layer of scripts/layers.json` });
  }
  for (const entry of imports) {
    const fromRank = rankOf.get(entry.fromFolder);
    const toRank = rankOf.get(entry.toFolder);
    if (fromRank === undefined) continue; // already reported once above
    const where = { file: entry.file, line: entry.line };
    if (toRank === undefined) {
      violations.push({ ...where, message: `${entry.fromFolder} → ${entry.toFolder}: src/${entry.toFolder} is in no layer` });
    } else if (toRank > fromRank) {
      const toLayer = order.layers[order.layers.length - 1 - toRank]!.name;
      violations.push({ ...where, message: `${entry.fromFolder} → ${entry.toFolder}: upward, into layer "${toLayer}"` });
    } else if (toRank === fromRank && order.layers[order.layers.length - 1 - toRank]!.independent) {
      const layer = order.layers[order.layers.length - 1 - toRank]!.name;
      violations.push({ ...where, message: `${entry.fromFolder} → ${entry.toFolder}: sideways inside independent layer "${layer}"` });
    }
  }
  return violations;
}
