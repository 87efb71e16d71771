export const projectRoot: string;
export const sourceFolder: string;
export const compiledFolder: string;
export const stampFile: string;
export function newestModification(entry: string): number;
export function compiledBuildStaleness(): string | undefined;
