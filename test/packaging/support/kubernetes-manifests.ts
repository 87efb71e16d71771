import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

const kubernetesFolder = path.resolve(import.meta.dirname, '../../../deploy/kubernetes');

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

function kubectlAvailable(): boolean {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

export const renderWithKubectl = kubectlAvailable();

/** The overlay's manifests: rendered by kustomize, or its and its bases' resource files as written. */
export function render(overlay: string): Manifest[] {
  const folder = path.join(kubernetesFolder, 'overlays', overlay);
  if (renderWithKubectl) {
    const text = execFileSync('kubectl', ['kustomize', folder], { encoding: 'utf8', timeout: 60_000 });
    return parseAllDocuments(text).map((document) => document.toJS() as Manifest);
  }
  const read = (directory: string): Manifest[] => {
    const kustomization = parse(fs.readFileSync(path.join(directory, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    return kustomization.resources.flatMap((resource) => {
      const target = path.join(directory, resource);
      if (fs.statSync(target).isDirectory()) return read(target);
      return parseAllDocuments(fs.readFileSync(target, 'utf8')).map((document) => document.toJS() as Manifest);
    });
  };
  return read(folder);
}

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${manifests.map((manifest) => `${manifest.kind}/${manifest.metadata.name}`).join(', ')}`);
  return found;
}
